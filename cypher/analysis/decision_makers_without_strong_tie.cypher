// Read-only queries for Neo4j Browser (or cypher-shell) on a kamgraph database.
// Set the parameters first, e.g.
//   :param account_id => null
//   :param min_declared_strength => 4
//   :param since => '2026-01-01'
//   :param min_shared_interactions => 2

// name: decision_makers_without_strong_tie
// Decision-makers that nobody on our side holds a strong tie to, per account.
// A contact is a decision-maker at an account when their latest assessment there that
// names a decision role says decision_maker (the same "latest known role" rule as
// kamgraph's snapshot roles). "Strong tie" APPROXIMATES kamgraph's strength score
// (kamgraph/analysis/strength.py: evidence from shared interactions decaying with a
// 90-day half-life, plus declared strength decaying over a year), which plain Cypher does
// not reproduce: here an internal person counts as holding a strong tie when
//   - they have a declared KNOWS with strength >= $min_declared_strength (any date), or
//   - they attended at least $min_shared_interactions interactions with the contact on
//     or after $since (an ISO date string; every kind of interaction counts the same).
// For the real scores and thresholds use `kamgraph gaps` / `kamgraph coverage`.
// $account_id: one account id, or null for every account.
MATCH (p:Person)-[a:ASSESSED]->(acc:Account)
WHERE ($account_id IS NULL OR acc.id = $account_id) AND a.decision_role IS NOT NULL
WITH p, acc, a
ORDER BY a.assessed_on DESC
WITH p, acc, collect(a.decision_role)[0] AS role
WHERE role = 'decision_maker'
OPTIONAL MATCH (p)-[k:KNOWS]-(u:Person)
WHERE u.side = 'internal'
WITH p, acc, max(k.strength) AS best_declared
OPTIONAL MATCH (p)-[:ATTENDED]->(i:Interaction)<-[:ATTENDED]-(u:Person)
WHERE u.side = 'internal'
WITH p, acc, best_declared, u,
     count(DISTINCT CASE WHEN i.date >= $since THEN i.id END) AS recent,
     max(i.date) AS last_met
WITH p, acc, best_declared, max(recent) AS recent_with_one_person, max(last_met) AS last_met
WHERE coalesce(best_declared, 0) < $min_declared_strength
  AND coalesce(recent_with_one_person, 0) < $min_shared_interactions
RETURN acc.id AS account_id,
       acc.name AS account,
       p.id AS person_id,
       p.name AS name,
       p.title AS title,
       p.level AS level,
       best_declared AS best_declared_strength,
       coalesce(recent_with_one_person, 0) AS most_recent_interactions_with_one_of_us,
       last_met AS last_interaction_with_us
ORDER BY account_id, person_id
