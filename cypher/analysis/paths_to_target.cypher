// Read-only queries for Neo4j Browser (or cypher-shell) on a kamgraph database.
//   :param target_id => 'C-001'
//   :param limit => 20

// name: paths_to_target
// Who on our side can reach one person ($target_id), directly or through exactly one
// intermediary (kamgraph never suggests longer chains):
//   direct       an internal person with a declared tie (KNOWS) to the target;
//   connector    internal -KNOWS- a non-internal person -KNOWS- target;
//   colleague    internal -KNOWS- someone working at the same account as the target
//                (a coach inside the customer) - no tie to the target needed;
//   membership   an internal person and the target are members of the same organization
//                (association, alumni class...): a chance to meet, not trust.
// rough_score multiplies the declared strengths (1..5) of the hops, divided by 5 per hop,
// with 0.3 for a shared membership; it ignores interaction history and kind weights, so
// use `kamgraph paths` for the ranked, evidence-based answer.
CALL {
  MATCH (u:Person)-[k:KNOWS]-(t:Person {id: $target_id})
  WHERE u.side = 'internal'
  RETURN u, 'direct' AS path, null AS via_id, null AS via_name,
         [k.kind] AS kinds, coalesce(k.strength, 0) / 5.0 AS rough_score
  UNION ALL
  MATCH (u:Person)-[k1:KNOWS]-(x:Person)-[k2:KNOWS]-(t:Person {id: $target_id})
  WHERE u.side = 'internal' AND x.side <> 'internal'
  RETURN u, 'connector' AS path, x.id AS via_id, x.name AS via_name,
         [k1.kind, k2.kind] AS kinds,
         coalesce(k1.strength, 0) / 5.0 * coalesce(k2.strength, 0) / 5.0 AS rough_score
  UNION ALL
  MATCH (u:Person)-[k1:KNOWS]-(x:Person)-[:WORKS_AT]->(acc:Account)<-[:WORKS_AT]-(t:Person {id: $target_id})
  WHERE u.side = 'internal' AND x.side = 'customer' AND x <> t
  RETURN u, 'colleague' AS path, x.id AS via_id, x.name AS via_name,
         [k1.kind, 'colleague at ' + acc.name] AS kinds, coalesce(k1.strength, 0) / 5.0 AS rough_score
  UNION ALL
  MATCH (u:Person)-[:MEMBER_OF]->(o:Organization)<-[:MEMBER_OF]-(t:Person {id: $target_id})
  WHERE u.side = 'internal'
  RETURN u, 'membership' AS path, o.id AS via_id, o.name AS via_name,
         ['member of ' + o.name] AS kinds, 0.3 AS rough_score
}
RETURN u.id AS from_id, u.name AS from_name, u.level AS from_level, path, via_id, via_name, kinds, rough_score
ORDER BY rough_score DESC, from_id, via_id
LIMIT $limit
