// Read-only queries for Neo4j Browser (or cypher-shell) on a kamgraph database.
//   :param account_id => 'A-01'

// name: buying_center
// An account's buying center: every customer contact working there, with their current
// decision role, attitude and influence (each the latest assessed value: a field left
// empty in a later assessment keeps its earlier value, as in kamgraph's snapshot), when
// that was assessed, whom they report to, their roles on the account's opportunities and
// who on our side has a declared tie to them.
MATCH (p:Person)-[w:WORKS_AT]->(acc:Account {id: $account_id})
WHERE p.side = 'customer'
OPTIONAL MATCH (p)-[a:ASSESSED]->(acc)
WITH p, w, acc, a
ORDER BY a.assessed_on DESC
WITH p, w, acc,
     collect({role: a.decision_role, attitude: a.attitude, influence: a.influence, on: a.assessed_on}) AS history
OPTIONAL MATCH (p)-[:REPORTS_TO]->(boss:Person)
WITH p, w, acc, history, collect(boss.name) AS bosses
OPTIONAL MATCH (p)-[pl:PLAYS]->(o:Opportunity)-[:FOR]->(acc)
WITH p, w, acc, history, bosses,
     collect(o.name + ': ' + pl.role + coalesce(' (' + pl.attitude + ')', '')) AS opportunity_roles
OPTIONAL MATCH (p)-[k:KNOWS]-(u:Person)
WHERE u.side = 'internal'
WITH p, w, acc, history, bosses, opportunity_roles,
     collect(u.name + ' (' + k.kind + coalesce(', ' + toString(k.strength), '') + ')') AS our_ties
RETURN p.id AS person_id,
       p.name AS name,
       coalesce(w.title, p.title) AS title,
       p.level AS level,
       [h IN history WHERE h.role IS NOT NULL][0].role AS decision_role,
       [h IN history WHERE h.attitude IS NOT NULL][0].attitude AS attitude,
       [h IN history WHERE h.influence IS NOT NULL][0].influence AS influence,
       history[0].on AS last_assessed_on,
       bosses AS reports_to,
       opportunity_roles,
       our_ties
ORDER BY influence DESC, level, name
