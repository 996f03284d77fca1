"""Reading and writing venues and tours: seed files, imports, exports and printed handouts."""
