// Erasing one person (kamgraph erase-person), run by Neo4jStore.erase_person as the
// steps of ONE write transaction, in this order. Exporting a person needs no statement
// of its own: it is assembled from the read_* statements (kamgraph/store/base.py).

// name: erase_person_relationship_counts
// The person's relationships by type: what DETACH DELETE will remove, reported per
// entity (WORKS_AT -> employment, KNOWS -> ties, ...), as the SQLite store reports rows.
MATCH (p:Person {id: $id})-[r]-()
RETURN type(r) AS type, count(r) AS n

// name: erase_person_attended
// Interactions the person attended: candidates for removal once they have no attendee.
MATCH (p:Person {id: $id})-[:ATTENDED]->(i:Interaction)
RETURN i.id AS id

// name: erase_person_clear_assessed_by
// Assessments the person made stay (they are about someone else) but lose the author.
MATCH ()-[r:ASSESSED]->()
WHERE r.assessed_by = $id
SET r.assessed_by = null
RETURN count(r) AS rows

// name: erase_person_clear_account_owner
// Accounts the person owned stay, without an owner.
MATCH (a:Account)
WHERE a.owner_id = $id
SET a.owner_id = null
RETURN count(a) AS rows

// name: erase_person_delete
// The person node and every relationship touching it.
MATCH (p:Person {id: $id})
DETACH DELETE p
RETURN count(*) AS rows

// name: erase_person_orphan_interactions
// Of the interactions the person attended ($ids), those now without any attendee go
// too (a meeting of one erased person would still say who met whom and when);
// interactions that others attended stay.
UNWIND $ids AS iid
MATCH (i:Interaction {id: iid})
WHERE NOT EXISTS { MATCH (:Person)-[:ATTENDED]->(i) }
DETACH DELETE i
RETURN count(*) AS rows

// name: trace_value_in_nodes
// Audit: nodes holding $value in any property (e.g. an erased person's id or name).
MATCH (n)
WHERE any(k IN keys(n) WHERE n[k] = $value)
RETURN labels(n) AS labels, n.id AS id

// name: trace_value_in_relationships
// Audit: relationships holding $value in any property.
MATCH (a)-[r]->(b)
WHERE any(k IN keys(r) WHERE r[k] = $value)
RETURN type(r) AS type, a.id AS from_id, b.id AS to_id

// name: erase_person_audit
// Every audit entry naming the person ($ref = "people:<id>") goes: the trail forgets them.
MATCH (a:AuditEntry)
WHERE $ref IN a.refs
DETACH DELETE a
RETURN count(*) AS rows
