"""Numba kernels of the TOPTW iterated local search (see ``planner.core.toptw``).

Everything here works on flat numpy arrays bundled in two named tuples:

* ``KInst`` — the instance: travel/cost matrices, per-visit location/service/score, per-(tour, visit)
  time windows as offsets into flat ``wE``/``wL`` arrays, tour specs, precedence in CSR form.
* ``KSol`` — one solution: routes ``R[k, :rl[k]]`` plus per-position bookkeeping that makes an
  insertion test O(1) (O(#windows) with several windows):
  ``ST`` earliest service start, ``EL`` effective location (a break sits where the previous located stop
  is), ``LA`` latest arrival keeping the rest of the route feasible (the multi-window generalisation of
  Vansteenwegen's maxShift), ``NL`` next located location at or after a position (or the tour end).

Feasibility of an insertion = forward to the inserted visit, then compare the new arrival at the next
*located* stop with its ``LA`` (breaks in between are simulated, since their position moves with them).
"""

from __future__ import annotations

import numpy as np
from numba import njit, types
from numba.experimental import structref

NEG = -1e300  # "no feasible start"
EPS = 1e-7  # float slack on time comparisons (benchmark data are exact integers, unaffected)


@structref.register
class _KInstType(types.StructRef):
    def preprocess_fields(self, fields):
        return tuple((name, types.unliteral(typ)) for name, typ in fields)


@structref.register
class _KSolType(types.StructRef):
    def preprocess_fields(self, fields):
        return tuple((name, types.unliteral(typ)) for name, typ in fields)


class KInst(structref.StructRefProxy):
    """The instance arrays (fields listed below)."""


class KSol(structref.StructRefProxy):
    """One solution's arrays (fields listed below); Python sees the routes ``R[k, :rl[k]]``."""

    @property
    def R(self) -> np.ndarray:
        return _sol_R(self)

    @property
    def rl(self) -> np.ndarray:
        return _sol_rl(self)


# struct references rather than named tuples: a named tuple of arrays is copied (every array's reference
# count touched) at each call and inlined use, which made the O(1) insertion test cost ~0.5 us
_KINST_FIELDS = [
    "T", "C", "loc", "svc", "sc", "woff", "wcnt", "wE", "wL", "ts", "te", "to", "tc",
    "pp_off", "pp", "sp_off", "sp", "hasprec", "anyprec",
]  # fmt: skip
_KSOL_FIELDS = ["R", "rl", "ST", "EL", "LA", "NL", "vt", "vp"]
structref.define_proxy(KInst, _KInstType, _KINST_FIELDS)
structref.define_proxy(KSol, _KSolType, _KSOL_FIELDS)


@njit(cache=True)
def _sol_R(S):
    return S.R


@njit(cache=True)
def _sol_rl(S):
    return S.rl


def new_sol(n: int, m: int) -> KSol:
    """Empty solution arrays for ``n`` visits and ``m`` tours."""
    cap = n + 1
    return KSol(
        np.zeros((m, cap), np.int64),
        np.zeros(m, np.int64),
        np.zeros((m, cap)),
        np.zeros((m, cap), np.int64),
        np.zeros((m, cap)),
        np.zeros((m, cap + 1), np.int64),
        -np.ones(n, np.int64),
        np.zeros(n, np.int64),
    )


# --------------------------------------------------------------------------------------------- rng
@njit(cache=True, inline="always")
def _rand(rng: np.ndarray) -> np.uint64:
    # xorshift64*: own state array so concurrent solves (threads) never share a stream
    x = rng[0]
    x ^= x >> np.uint64(12)
    x ^= x << np.uint64(25)
    x ^= x >> np.uint64(27)
    rng[0] = x
    return x * np.uint64(2685821657736338717)


@njit(cache=True, inline="always")
def _randint(rng: np.ndarray, n: int) -> np.int64:
    # int64 on both paths: mixing uint64 and int64 would make numba unify to float64
    if n <= 1:
        return np.int64(0)
    return np.int64((_rand(rng) >> np.uint64(11)) % np.uint64(n))


@njit(cache=True, inline="always")
def _uniform(rng: np.ndarray) -> float:
    return float(_rand(rng) >> np.uint64(11)) / 9007199254740992.0


# ------------------------------------------------------------------------------------ time windows
@njit(cache=True, inline="always")
def _resolve(P, k, v, a):
    """Earliest service start at visit v on tour k when arriving at a (NEG if no window left)."""
    o = P.woff[k, v]
    for w in range(o, o + P.wcnt[k, v]):
        if a <= P.wL[w] + EPS:
            e = P.wE[w]
            return e if e > a else a
    return NEG


@njit(cache=True, inline="always")
def _latest(P, k, v, ls):
    """Latest arrival at v such that its start is <= ls (NEG if impossible)."""
    o = P.woff[k, v]
    res = NEG
    for w in range(o, o + P.wcnt[k, v]):
        if P.wE[w] <= ls + EPS:
            lw = P.wL[w]
            res = lw if lw < ls else ls
        else:
            break
    return res


# ------------------------------------------------------------------------------- route bookkeeping
@njit(cache=True)
def _forward(P, S, k):
    """Recompute ST/EL of tour k; return first infeasible position, rl if late at the end, -1 if ok."""
    t = P.to[k]
    eff = P.ts[k]
    n = S.rl[k]
    for i in range(n):
        v = S.R[k, i]
        lv = P.loc[v]
        if lv >= 0:
            a = t + P.T[eff, lv]
            eff = lv
        else:
            a = t
        s = _resolve(P, k, v, a)
        if s == NEG:
            return i
        S.ST[k, i] = s
        S.EL[k, i] = eff
        t = s + P.svc[v]
    if t + P.T[eff, P.te[k]] > P.tc[k] + EPS:
        return n
    return -1


@njit(cache=True, inline="always")
def _remove_at(S, k, i):
    v = S.R[k, i]
    for j in range(i, S.rl[k] - 1):
        S.R[k, j] = S.R[k, j + 1]
    S.rl[k] -= 1
    S.vt[v] = -1


@njit(cache=True, inline="always")
def _insert_at(S, k, i, v):
    for j in range(S.rl[k], i, -1):
        S.R[k, j] = S.R[k, j - 1]
    S.R[k, i] = v
    S.rl[k] += 1
    S.vt[v] = k


@njit(cache=True)
def _update(P, S, k):
    """Refresh all bookkeeping of tour k, dropping visits if the route became infeasible.

    Removing a visit can make a route infeasible when travel times break the triangle inequality
    (truncated distances do, by one unit), hence the repair loop.
    """
    while True:
        bad = _forward(P, S, k)
        if bad < 0 or S.rl[k] == 0:
            break
        _remove_at(S, k, bad if bad < S.rl[k] else S.rl[k] - 1)
    n = S.rl[k]
    nl = P.te[k]
    S.NL[k, n] = nl
    la_next = P.tc[k]
    for i in range(n - 1, -1, -1):
        v = S.R[k, i]
        S.vt[v] = k
        S.vp[v] = i
        if i == n - 1:
            tr = P.T[S.EL[k, i], P.te[k]]
        else:
            w = S.R[k, i + 1]
            tr = P.T[S.EL[k, i], P.loc[w]] if P.loc[w] >= 0 else 0.0
        S.LA[k, i] = _latest(P, k, v, la_next - P.svc[v] - tr)
        la_next = S.LA[k, i]
        if P.loc[v] >= 0:
            nl = P.loc[v]
        S.NL[k, i] = nl


@njit(cache=True, inline="always")
def _prec_violated(P, S, b):
    k = S.vt[b]
    for j in range(P.pp_off[b], P.pp_off[b + 1]):
        a = P.pp[j]
        if S.vt[a] != k or S.vp[a] >= S.vp[b]:
            return True
    return False


@njit(cache=True)
def _refresh_all(P, S):
    """Update every tour, then drop visits whose precedence predecessor is gone (repeat to fixpoint)."""
    m = S.rl.shape[0]
    for k in range(m):
        _update(P, S, k)
    if not P.anyprec:
        return
    changed = True
    while changed:
        changed = False
        for k in range(m):
            i = 0
            while i < S.rl[k]:
                b = S.R[k, i]
                if P.hasprec[b] and _prec_violated(P, S, b):
                    _remove_at(S, k, i)
                    _update(P, S, k)
                    changed = True
                    i = 0
                else:
                    i += 1


@njit(cache=True, inline="always")
def _check_rest(P, S, k, p, ready, eff):
    """Can the old positions p.. of tour k follow when free at `ready` at location `eff`?"""
    for i in range(p, S.rl[k]):
        v = S.R[k, i]
        lv = P.loc[v]
        if lv >= 0:
            return ready + P.T[eff, lv] <= S.LA[k, i] + EPS
        s = _resolve(P, k, v, ready)
        if s == NEG:
            return False
        ready = s + P.svc[v]
    return ready + P.T[eff, P.te[k]] <= P.tc[k] + EPS


@njit(cache=True, inline="always")
def _prec_ins_ok(P, S, k, v, p):
    for j in range(P.pp_off[v], P.pp_off[v + 1]):
        a = P.pp[j]
        if S.vt[a] != k or S.vp[a] >= p:
            return False
    for j in range(P.sp_off[v], P.sp_off[v + 1]):
        b = P.sp[j]
        if S.vt[b] >= 0 and (S.vt[b] != k or S.vp[b] < p):
            return False
    return True


@njit(cache=True, inline="always")
def _eval_ins(P, S, k, v, p):
    """Added time of inserting v before position p of tour k (-1 if infeasible)."""
    if P.hasprec[v] and not _prec_ins_ok(P, S, k, v, p):
        return -1.0
    if p == 0:
        ready = P.to[k]
        eff = P.ts[k]
    else:
        ready = S.ST[k, p - 1] + P.svc[S.R[k, p - 1]]
        eff = S.EL[k, p - 1]
    lv = P.loc[v]
    if lv >= 0:
        a = ready + P.T[eff, lv]
        neff = lv
    else:
        a = ready
        neff = eff
    s = _resolve(P, k, v, a)
    if s == NEG:
        return -1.0
    if not _check_rest(P, S, k, p, s + P.svc[v], neff):
        return -1.0
    d = (s - a) + P.svc[v]
    if lv >= 0:
        nl = S.NL[k, p]
        d += P.T[eff, lv] + P.T[lv, nl] - P.T[eff, nl]
    return d if d > 0.0 else 0.0


@njit(cache=True, inline="always")
def _best_pos(P, S, k, v, BD, BP):
    """Cheapest feasible position of v on tour k (BD = -1 if none).

    Ready times and latest arrivals both increase along a route, so only a contiguous range of positions
    can host v: from the first whose latest arrival admits v's earliest window end-of-service, to the last
    whose predecessor is free before v's latest window start. Binary search + early break.
    """
    bd = -1.0
    bp = -1
    n = S.rl[k]
    o = P.woff[k, v]
    c = P.wcnt[k, v]
    emin = P.wE[o] + P.svc[v] - EPS
    lmax = P.wL[o + c - 1] + EPS
    lo = 0
    hi = n
    while lo < hi:
        mid = (lo + hi) // 2
        if S.LA[k, mid] < emin:
            lo = mid + 1
        else:
            hi = mid
    for p in range(lo, n + 1):
        if p > 0 and S.ST[k, p - 1] + P.svc[S.R[k, p - 1]] > lmax:
            break
        d = _eval_ins(P, S, k, v, p)
        if d >= 0.0 and (bd < 0.0 or d < bd):
            bd = d
            bp = p
    BD[v, k] = bd
    BP[v, k] = bp


@njit(cache=True)
def _recompute_tour(P, S, k, BD, BP, all_v):
    """Refresh best insertions on tour k; after an insertion (all_v False) only still-feasible ones,
    since adding a visit only consumes slack."""
    for v in range(S.vt.shape[0]):
        if S.vt[v] < 0 and P.wcnt[k, v] > 0 and P.sc[v] > 0.0:
            if all_v or BD[v, k] >= 0.0:
                _best_pos(P, S, k, v, BD, BP)
        else:
            BD[v, k] = -1.0


@njit(cache=True)
def _fill(P, S, BD, BP, noise, rng, changed, removed, nrem, tabu):
    """Greedy insertion by score^2 / added time until nothing fits (Vansteenwegen et al. 2009).

    BD/BP are kept across calls: tours marked `changed` are re-evaluated for every unvisited visit,
    the others only for the `removed[:nrem]` visits (their other entries are still exact). With `tabu`,
    the removed visits are not inserted again (their entries are kept exact for later calls).
    """
    n, m = BD.shape
    skip = np.zeros(n, np.bool_)
    if tabu:
        for j in range(nrem):
            skip[removed[j]] = True
    for k in range(m):
        if changed[k]:
            _recompute_tour(P, S, k, BD, BP, True)
        else:
            for j in range(nrem):
                v = removed[j]
                if S.vt[v] < 0 and P.wcnt[k, v] > 0 and P.sc[v] > 0.0:
                    _best_pos(P, S, k, v, BD, BP)
    while True:
        best = -1.0
        bv = -1
        bk = -1
        for v in range(n):
            if S.vt[v] >= 0 or skip[v]:
                continue
            for k in range(m):
                d = BD[v, k]
                if d < 0.0:
                    continue
                r = P.sc[v] * P.sc[v] / (d + 1e-6)
                if noise > 0.0:
                    r *= 1.0 + noise * _uniform(rng)
                if r > best:
                    best = r
                    bv = v
                    bk = k
        if bv < 0:
            break
        _insert_at(S, bk, BP[bv, bk], bv)
        _update(P, S, bk)
        _recompute_tour(P, S, bk, BD, BP, False)


# ----------------------------------------------------------------------------------------- moves
@njit(cache=True, inline="always")
def _tour_cost(P, S, k):
    prev = P.ts[k]
    c = 0.0
    for i in range(S.rl[k]):
        lv = P.loc[S.R[k, i]]
        if lv >= 0:
            c += P.C[prev, lv]
            prev = lv
    return c + P.C[prev, P.te[k]]


@njit(cache=True)
def _evaluate(P, S):
    score = 0.0
    cost = 0.0
    for k in range(S.rl.shape[0]):
        for i in range(S.rl[k]):
            score += P.sc[S.R[k, i]]
        cost += _tour_cost(P, S, k)
    return score, cost


@njit(cache=True, inline="always")
def _seq_ok(P, S, k, buf, nb, p, q):
    """Is tour k feasible with positions p..q-1 replaced by buf[:nb]? (positions q.. unchanged)."""
    if p == 0:
        ready = P.to[k]
        eff = P.ts[k]
    else:
        ready = S.ST[k, p - 1] + P.svc[S.R[k, p - 1]]
        eff = S.EL[k, p - 1]
    for i in range(nb):
        v = buf[i]
        lv = P.loc[v]
        if lv >= 0:
            a = ready + P.T[eff, lv]
            eff = lv
        else:
            a = ready
        s = _resolve(P, k, v, a)
        if s == NEG:
            return False
        ready = s + P.svc[v]
    return _check_rest(P, S, k, q, ready, eff)


@njit(cache=True, inline="always")
def _prec_seq_ok(P, S, k, buf, nb, p, q):
    # order constraints inside the rewritten segment (outside it nothing moved)
    for i in range(nb):
        b = buf[i]
        if not P.hasprec[b]:
            continue
        for j in range(P.pp_off[b], P.pp_off[b + 1]):
            a = P.pp[j]
            if S.vt[a] != k:
                return False
            pa = S.vp[a]
            if p <= pa < q:
                found = False
                for ii in range(i):
                    if buf[ii] == a:
                        found = True
                if not found:
                    return False
            elif pa >= q:
                return False
    return True


@njit(cache=True, inline="always")
def _seg_cost(P, S, k, buf, nb, p, q):
    """Cost of the legs touched when positions p..q-1 are replaced by buf[:nb]."""
    prev = P.ts[k] if p == 0 else S.EL[k, p - 1]
    c = 0.0
    for i in range(nb):
        lv = P.loc[buf[i]]
        if lv >= 0:
            c += P.C[prev, lv]
            prev = lv
    return c + P.C[prev, S.NL[k, q]]


@njit(cache=True, inline="always")
def _apply_if_cheaper(P, S, k, buf, nb, a, b):
    """Write buf[:nb] over positions a..b-1 of tour k if that is cheaper and feasible (uses buf[nb:2nb])."""
    for i in range(nb):
        buf[nb + i] = S.R[k, a + i]
    old = _seg_cost(P, S, k, buf[nb:], nb, a, b)
    new = _seg_cost(P, S, k, buf, nb, a, b)
    if new < old - 1e-9 and _seq_ok(P, S, k, buf, nb, a, b) and (not P.anyprec or _prec_seq_ok(P, S, k, buf, nb, a, b)):
        for i in range(nb):
            S.R[k, a + i] = buf[i]
        _update(P, S, k)
        return True
    return False


@njit(cache=True)
def _two_opt_relocate(P, S, k, buf, maxseg):
    """First-improvement intra-route 2-opt and or-opt (segments <= 3) on the cost matrix."""
    improved_any = False
    improved = True
    while improved:
        improved = False
        n = S.rl[k]
        for p in range(n):
            for q in range(p + 2, min(n, p + maxseg) + 1):
                # 2-opt: reverse positions p..q-1
                nb = q - p
                for i in range(nb):
                    buf[i] = S.R[k, q - 1 - i]
                if _apply_if_cheaper(P, S, k, buf, nb, p, q):
                    improved = True
                    improved_any = True
                    break
            if improved:
                break
        if improved:
            continue
        # or-opt: move segment [p, p+L) to another place within a window of maxseg positions
        for L in range(1, 4):
            for p in range(n - L + 1):
                lo = max(0, p - maxseg)
                hi = min(n, p + L + maxseg)
                for t in range(lo, hi + 1):
                    if p <= t <= p + L:
                        continue
                    if t < p:
                        a, b = t, p + L
                        nb = 0
                        for i in range(p, p + L):
                            buf[nb] = S.R[k, i]
                            nb += 1
                        for i in range(t, p):
                            buf[nb] = S.R[k, i]
                            nb += 1
                    else:
                        a, b = p, t
                        nb = 0
                        for i in range(p + L, t):
                            buf[nb] = S.R[k, i]
                            nb += 1
                        for i in range(p, p + L):
                            buf[nb] = S.R[k, i]
                            nb += 1
                    if _apply_if_cheaper(P, S, k, buf, nb, a, b):
                        improved = True
                        improved_any = True
                        break
                if improved:
                    break
            if improved:
                break
    return improved_any


@njit(cache=True)
def _swap_in(P, S, BD, BP, noise, rng, buf, removed, changed):
    """ "Replace" move: put an unvisited visit in place of one or two consecutive visits worth less, then
    refill (the removed ones may fit elsewhere); repeat while it gains. Precedence-bound visits stay put."""
    n = S.vt.shape[0]
    m = S.rl.shape[0]
    for _ in range(8):
        bg = 0.0
        bv = -1
        bk = -1
        bi = -1
        bL = 0
        for v in range(n):
            if S.vt[v] >= 0 or P.hasprec[v] or P.sc[v] <= bg:
                continue
            for k in range(m):
                c = P.wcnt[k, v]
                if c == 0:
                    continue
                lmax = P.wL[P.woff[k, v] + c - 1] + EPS
                nk = S.rl[k]
                for i in range(nk):
                    if i > 0 and S.ST[k, i - 1] + P.svc[S.R[k, i - 1]] > lmax:
                        break
                    g = P.sc[v]
                    for L in range(1, 3):
                        if i + L > nk:
                            break
                        u = S.R[k, i + L - 1]
                        if P.hasprec[u]:
                            break
                        g -= P.sc[u]
                        if g > bg + 1e-9:
                            buf[0] = v
                            if _seq_ok(P, S, k, buf, 1, i, i + L):
                                bg = g
                                bv = v
                                bk = k
                                bi = i
                                bL = L
        if bv < 0:
            return
        for j in range(bL):
            removed[j] = S.R[bk, bi]
            _remove_at(S, bk, bi)
        _insert_at(S, bk, bi, bv)
        _update(P, S, bk)
        changed[:] = False
        changed[bk] = True
        _fill(P, S, BD, BP, noise, rng, changed, removed, bL, False)


@njit(cache=True)
def _shake(P, S, R, starts, scatter, rng, changed):
    """Remove R consecutive visits from every tour, starting at starts[k] (wrapping around);
    with `scatter`, remove about R visits per tour at random places instead (escapes what a run
    removal plus the same greedy refill would rebuild)."""
    m = S.rl.shape[0]
    for k in range(m):
        n = S.rl[k]
        if n == 0 or not changed[k]:
            continue
        r = R if R < n else n
        s = starts[k] % n
        # mark then compact, so wrap-around is easy
        if scatter:
            for i in range(n):
                if _randint(rng, n) < r:
                    S.vt[S.R[k, i]] = -2
        else:
            for j in range(r):
                S.vt[S.R[k, (s + j) % n]] = -2
        w = 0
        for i in range(n):
            v = S.R[k, i]
            if S.vt[v] == -2:
                S.vt[v] = -1
            else:
                S.R[k, w] = v
                w += 1
        S.rl[k] = w
    _refresh_all(P, S)


@njit(cache=True)
def copy_sol(src, dst):
    """Copy solution arrays src -> dst."""
    dst.R[:] = src.R
    dst.rl[:] = src.rl
    dst.ST[:] = src.ST
    dst.EL[:] = src.EL
    dst.LA[:] = src.LA
    dst.NL[:] = src.NL
    dst.vt[:] = src.vt
    dst.vp[:] = src.vp


@njit(cache=True)
def seed_routes(P, S, flat, off):
    """Start from given routes, keeping each visit only if it still fits at the end of its tour."""
    m = S.rl.shape[0]
    for k in range(m):
        for j in range(off[k], off[k + 1]):
            v = flat[j]
            if S.vt[v] >= 0 or P.wcnt[k, v] == 0:
                continue
            if _eval_ins(P, S, k, v, S.rl[k]) >= 0.0:
                _insert_at(S, k, S.rl[k], v)
                _update(P, S, k)


@njit(cache=True, inline="always")
def _better(s1, c1, s2, c2):
    if s1 > s2 + 1e-9:
        return True
    return s1 > s2 - 1e-9 and c1 < c2 - 1e-9


@njit(cache=True)
def ils(P, cur, best, prev, BD, BP, st, fst, rng, iters):
    """Run `iters` ILS iterations, continuing the search state kept in st/fst/cur/best.

    st = [iteration, R, S, no_improve, initialised, max_R, restart_after, noise per mille, random starts,
    local search, scatter-shake per mille, shake a random subset of tours, full refresh pending,
    acceptance threshold per mille of the best score, chance per mille that the removed visits are not
    reinserted in the same iteration]; fst = [best score, best cost].
    With a threshold, a shaken-and-refilled solution scoring below best - max(best * threshold, best visit
    score) is rejected (record-to-record travel): the search goes back to ``prev``.
    """
    m = cur.rl.shape[0]
    buf = np.empty(2 * BD.shape[0] + 2, np.int64)
    starts = np.zeros(m, np.int64)
    noise = st[7] / 1000.0
    allk = np.ones(m, np.bool_)
    changed = np.ones(m, np.bool_)
    n = BD.shape[0]
    removed = np.empty(n, np.int64)
    before = np.empty(n, np.int64)
    pBD = np.empty_like(BD)
    pBP = np.empty_like(BP)
    dev = st[13] / 1000.0
    # small instances: allow losing at least one visit, or the search could not move at all
    scmax = P.sc.max()
    if st[4] == 0:
        st[4] = 1
        _refresh_all(P, cur)
        _fill(P, cur, BD, BP, 0.0, rng, allk, removed, 0, False)
        sc, co = _evaluate(P, cur)
        copy_sol(cur, best)
        fst[0] = sc
        fst[1] = co
        st[1] = 1
        st[2] = 0
    for _ in range(iters):
        st[0] += 1
        R = st[1]
        for k in range(m):
            starts[k] = _randint(rng, cur.rl[k] + 1) if st[8] else st[2]
        if st[11]:
            # a subset of the tours only: smaller kicks, and untouched tours keep their insertion data
            nch = 0
            for k in range(m):
                changed[k] = _randint(rng, 2) == 0
                nch += changed[k]
            if nch == 0:
                changed[_randint(rng, m)] = True
        before[:] = cur.vt
        if dev > 0.0:
            copy_sol(cur, prev)
            pBD[:] = BD
            pBP[:] = BP
        _shake(P, cur, R, starts, _randint(rng, 1000) < st[10], rng, changed)
        nrem = 0
        for v in range(n):
            if before[v] >= 0 and cur.vt[v] < 0:
                removed[nrem] = v
                nrem += 1
        full = st[12]
        tabu = _randint(rng, 1000) < st[14]
        _fill(P, cur, BD, BP, noise, rng, allk if full else changed, removed, nrem, tabu)
        st[12] = 0
        sc, co = _evaluate(P, cur)
        if st[15] and sc > fst[0] - scmax - 1e-9:
            # only near the best: the scan costs about one refill
            _swap_in(P, cur, BD, BP, noise, rng, buf, removed, changed)
            sc, co = _evaluate(P, cur)
        if st[9] and sc > fst[0] - 1e-9:
            # polish only promising solutions: the cost LS may free time for one more insertion
            for k in range(m):
                if _two_opt_relocate(P, cur, k, buf, 12):
                    _fill(P, cur, BD, BP, 0.0, rng, allk, removed, 0, False)
            sc, co = _evaluate(P, cur)
        if dev > 0.0 and sc < fst[0] - max(fst[0] * dev, scmax) - 1e-9:
            copy_sol(prev, cur)
            BD[:] = pBD
            BP[:] = pBP
            st[12] = full  # saved insertion data were stale too
            sc = fst[0] - 1.0  # counts as non-improving
        if _better(sc, co, fst[0], fst[1]):
            copy_sol(cur, best)
            fst[0] = sc
            fst[1] = co
            st[1] = 1
            st[3] = 0
        else:
            st[3] += 1
            st[1] += 1
        st[2] += R
        minlen = cur.rl.min()
        if minlen > 0 and st[2] >= minlen:
            st[2] -= minlen
        elif minlen == 0:
            st[2] = 0
        if st[1] > st[5]:
            st[1] = 1
        if st[3] >= st[6]:
            copy_sol(best, cur)
            st[3] = 0
            st[12] = 1  # insertion data belong to the abandoned solution


@njit(cache=True)
def polish(P, S, BD, BP, rng):
    """Final cost descent (2-opt / or-opt per tour) on the best solution, refilling freed time."""
    m = S.rl.shape[0]
    buf = np.empty(2 * BD.shape[0] + 2, np.int64)
    for k in range(m):
        _update(P, S, k)
    changed = False
    for k in range(m):
        if _two_opt_relocate(P, S, k, buf, 12):
            changed = True
    if changed:
        allk = np.ones(m, np.bool_)
        _fill(P, S, BD, BP, 0.0, rng, allk, buf, 0, False)
        for k in range(m):
            _two_opt_relocate(P, S, k, buf, 12)
