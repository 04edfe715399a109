"""Optimal assignment of judges to entries: a pure, deterministic min-cost-flow solver.

Hard constraints
    Every entry gets exactly ``k`` distinct judges; no pair in ``conflicts``; no judge above its capacity
    (kept assignments count); every pair in ``keep`` stays. Expertise is a rule too: a judge fills an
    entry's slot only if expert in its category, except for the *bridge* slot: with ``bridge=True`` and
    ``k >= 2``, every entry with a slot open and no kept judge from outside its category gets exactly one
    judge who is *not* expert in its category (so that panels of different categories share judges and
    leniency can be put on one scale). Kept pairs stay whatever their expertise. An entry that cannot
    get its judges is reported (``Infeasible``), never half-served.

Objective (minimised; all integers; ``P`` = judge slots still open, i.e. the sum over entries of
``k`` minus kept judges; kept pairs are included in every term)::

    cost = U * sum_j sum_{t=1..L_j} ceil(S * t / capacity_j)      load balance
         + W_L * (pairs whose entry has a language the judge does not speak)
         + 1 * sum_e sum_country (experts of that country on e's panel - 1)^+
         + 1 * sum_e sum_org     (experts of that organisation on e's panel - 1)^+

    with S = largest capacity, W_L = 2P + 1, U = P * W_L + 1.

- Load balance: the t-th entry of a judge costs in proportion to the share of capacity it uses, and the
  steps increase, so the cost is convex: loads are spread as evenly as capacities allow, in proportion
  to capacity (6 entries, k=1, three judges of equal capacity: loads 2, 2, 2).
- Language: a judge speaks an entry's language when their primary subtags match (``en`` = ``en-GB``).
- Diversity: a second expert from the same country on a panel costs 1, one from the same organisation
  costs 1 more (an organisation is its normalised name *and* country). Unknown country or organisation
  never counts. The bridge judge and other outsiders are left out of diversity (a min-cost flow cannot
  count them together with the experts and stay integral).
- The weights make the sum lexicographic: any improvement in load balance outweighs every language
  term (all multiples of ``U``), and one language mismatch outweighs all diversity terms (at most
  ``2P < W_L``).

Model (``network.py``): a min-cost flow in which each entry's root sends its open slots through country
and organisation nodes with convex arcs (exactly the diversity term) to judges, and each judge sends
its entries to a sink over unit arcs priced by the load steps. ``dense_reference`` solves it with every
eligible judge–entry arc (OR-tools ``SimpleMinCostFlow``).

Algorithm (``solver.py``): the same network aggregated by class of entries (category, language) is
small and solved exactly first (``aggregate.py``); its flow is dealt out into candidate arcs and a
starting assignment (``candidates.py``, ``start.py``). The assignment is then *proved* optimal for the
dense network by node potentials checked on every dense arc (``certify.py``); arcs that fail are added,
and while the assignment can improve, the min-cost flow is solved on the gathered arcs with OR-tools,
until nothing fails. The result is the dense optimum, not an approximation.

Determinism: the seed only orders judges and entries (tie-breaks between equally good solutions);
the same problem and seed always give the same solution.
"""

from .model import (
    EntrySpec,
    Explanation,
    Infeasible,
    JudgeSpec,
    Pair,
    Problem,
    Shortfall,
    Solution,
)
from .rules import explain, objective, replacement_candidates, validate
from .solver import dense_reference, solve

__all__ = [
    "EntrySpec",
    "Explanation",
    "Infeasible",
    "JudgeSpec",
    "Pair",
    "Problem",
    "Shortfall",
    "Solution",
    "dense_reference",
    "explain",
    "objective",
    "replacement_candidates",
    "solve",
    "validate",
]
