// Upserts, one statement per entity, run in batches (default 5,000 rows) inside managed
// write transactions by kamgraph/store/neo4j.py. Every value is a parameter.
// Each MERGE on a relationship starts its pattern at the endpoint with fewer relationships
// of that type (the side ArcadeDB searches for an existing edge).
//
// Node entities: $rows = [{id, props}], props holding only the columns present in the
// import (a null removes the property, as SQLite sets NULL). Relationship entities:
// $rows = [{<endpoint ids>, <key properties>, props}]. Each statement returns the number
// of rows it merged; the store rejects a batch whose count falls short (an endpoint that
// does not exist), so nothing is dropped silently.

// name: upsert_accounts
// Account nodes keyed by id.
UNWIND $rows AS row
MERGE (n:Account {id: row.id})
SET n += row.props
RETURN count(n) AS rows

// name: upsert_organizations
// Organization nodes keyed by id.
UNWIND $rows AS row
MERGE (n:Organization {id: row.id})
SET n += row.props
RETURN count(n) AS rows

// name: upsert_people
// Person nodes keyed by id.
UNWIND $rows AS row
MERGE (n:Person {id: row.id})
SET n += row.props
RETURN count(n) AS rows

// name: upsert_opportunities
// Opportunity nodes keyed by id.
UNWIND $rows AS row
MERGE (n:Opportunity {id: row.id})
SET n += row.props
RETURN count(n) AS rows

// name: upsert_interactions
// Interaction nodes keyed by id.
UNWIND $rows AS row
MERGE (n:Interaction {id: row.id})
SET n += row.props
RETURN count(n) AS rows

// Inserts of node rows the write found absent (its diff read them first): CREATE instead
// of MERGE (no lookup before the write; ArcadeDB took about half the server time).
// The uniqueness constraint on id still guards them: a node created meanwhile by
// another writer makes the batch fail with a constraint error and roll back, never
// a duplicate. A new node has no edges, so its batch links it without unlinking first.

// name: create_accounts
// New Account nodes (ids absent from the store when the write read it).
UNWIND $rows AS row
CREATE (n:Account {id: row.id})
SET n += row.props
RETURN count(n) AS rows

// name: create_organizations
// New Organization nodes (ids absent from the store when the write read it).
UNWIND $rows AS row
CREATE (n:Organization {id: row.id})
SET n += row.props
RETURN count(n) AS rows

// name: create_people
// New Person nodes (ids absent from the store when the write read it).
UNWIND $rows AS row
CREATE (n:Person {id: row.id})
SET n += row.props
RETURN count(n) AS rows

// name: create_opportunities
// New Opportunity nodes (ids absent from the store when the write read it).
UNWIND $rows AS row
CREATE (n:Opportunity {id: row.id})
SET n += row.props
RETURN count(n) AS rows

// name: create_interactions
// New Interaction nodes (ids absent from the store when the write read it).
UNWIND $rows AS row
CREATE (n:Interaction {id: row.id})
SET n += row.props
RETURN count(n) AS rows
// name: upsert_employment
// WORKS_AT relationships keyed by (person_id, org_id).
// org_id names an Account or Organization node: both are looked up by id (each
// lookup uses its label's uniqueness constraint) and the one found is used.
UNWIND $rows AS row
MATCH (a:Person {id: row.person_id})
OPTIONAL MATCH (b_account:Account {id: row.org_id})
OPTIONAL MATCH (b_organization:Organization {id: row.org_id})
WITH a, row, coalesce(b_account, b_organization) AS b
WHERE b IS NOT NULL
MERGE (a)-[r:WORKS_AT]->(b)
SET r += row.props
RETURN count(r) AS rows

// name: upsert_assessments
// ASSESSED relationships keyed by (person_id, account_id, assessed_on).
UNWIND $rows AS row
MATCH (a:Person {id: row.person_id})
MATCH (b:Account {id: row.account_id})
MERGE (a)-[r:ASSESSED {assessed_on: row.assessed_on}]->(b)
SET r += row.props
RETURN count(r) AS rows

// name: upsert_reports_to
// REPORTS_TO relationships keyed by (person_id, manager_id); no other column, so no
// properties to set (row.props is empty).
UNWIND $rows AS row
MATCH (a:Person {id: row.person_id})
MATCH (b:Person {id: row.manager_id})
MERGE (a)-[r:REPORTS_TO]->(b)
RETURN count(r) AS rows

// name: upsert_ties
// KNOWS relationships keyed by (person_id, other_id, kind).
UNWIND $rows AS row
MATCH (a:Person {id: row.person_id})
MATCH (b:Person {id: row.other_id})
MERGE (a)-[r:KNOWS {kind: row.kind}]->(b)
SET r += row.props
RETURN count(r) AS rows

// name: upsert_influence
// INFLUENCES relationships keyed by (source_id, target_id).
UNWIND $rows AS row
MATCH (a:Person {id: row.source_id})
MATCH (b:Person {id: row.target_id})
MERGE (a)-[r:INFLUENCES]->(b)
SET r += row.props
RETURN count(r) AS rows

// name: upsert_memberships
// MEMBER_OF relationships keyed by (person_id, org_id).
// org_id names an Organization or Account node: both are looked up by id (each
// lookup uses its label's uniqueness constraint) and the one found is used.
UNWIND $rows AS row
MATCH (a:Person {id: row.person_id})
OPTIONAL MATCH (b_organization:Organization {id: row.org_id})
OPTIONAL MATCH (b_account:Account {id: row.org_id})
WITH a, row, coalesce(b_organization, b_account) AS b
WHERE b IS NOT NULL
MERGE (a)-[r:MEMBER_OF]->(b)
SET r += row.props
RETURN count(r) AS rows

// name: upsert_attendance
// ATTENDED relationships keyed by (interaction_id, person_id).
// The MERGE pattern starts at the interaction: ArcadeDB looks for an existing edge among
// the relationships of the pattern's first node, and an interaction has a handful of
// attendees while a member of staff attends thousands of interactions (at scale S,
// writing 20,000 rows took 21 s anchored at the person, 4.7 s at the interaction).
// Attendance has no column besides its key: no properties to set (row.props is empty).
UNWIND $rows AS row
MATCH (b:Interaction {id: row.interaction_id})
MATCH (a:Person {id: row.person_id})
MERGE (b)<-[r:ATTENDED]-(a)
RETURN count(r) AS rows

// name: upsert_opportunity_roles
// PLAYS relationships keyed by (person_id, opportunity_id).
UNWIND $rows AS row
MATCH (a:Person {id: row.person_id})
MATCH (b:Opportunity {id: row.opportunity_id})
MERGE (a)-[r:PLAYS]->(b)
SET r += row.props
RETURN count(r) AS rows

// References held by an edge instead of a property (see cypher/README.md): an
// interaction's account and opportunity (ABOUT) and an opportunity's account (FOR).
// $rows = [{id, ref}]; ref null means "no reference". unlink_* runs first and drops an
// edge pointing elsewhere; link_* then merges the edge and returns how many it matched.

// name: unlink_interactions_account_id
// Drop the ABOUT edge from Interaction to an Account other than row.ref.
UNWIND $rows AS row
MATCH (n:Interaction {id: row.id})-[old:ABOUT]->(t:Account)
WHERE row.ref IS NULL OR t.id <> row.ref
DELETE old
RETURN count(*) AS rows

// name: link_interactions_account_id
// Interaction -[:ABOUT]-> Account for every row with a reference.
UNWIND $rows AS row
WITH row WHERE row.ref IS NOT NULL
MATCH (n:Interaction {id: row.id})
MATCH (t:Account {id: row.ref})
MERGE (n)-[:ABOUT]->(t)
RETURN count(*) AS rows

// name: unlink_interactions_opportunity_id
// Drop the ABOUT edge from Interaction to an Opportunity other than row.ref.
UNWIND $rows AS row
MATCH (n:Interaction {id: row.id})-[old:ABOUT]->(t:Opportunity)
WHERE row.ref IS NULL OR t.id <> row.ref
DELETE old
RETURN count(*) AS rows

// name: link_interactions_opportunity_id
// Interaction -[:ABOUT]-> Opportunity for every row with a reference.
UNWIND $rows AS row
WITH row WHERE row.ref IS NOT NULL
MATCH (n:Interaction {id: row.id})
MATCH (t:Opportunity {id: row.ref})
MERGE (n)-[:ABOUT]->(t)
RETURN count(*) AS rows

// name: unlink_opportunities_account_id
// Drop the FOR edge from Opportunity to an Account other than row.ref.
UNWIND $rows AS row
MATCH (n:Opportunity {id: row.id})-[old:FOR]->(t:Account)
WHERE row.ref IS NULL OR t.id <> row.ref
DELETE old
RETURN count(*) AS rows

// name: link_opportunities_account_id
// Opportunity -[:FOR]-> Account for every row with a reference.
UNWIND $rows AS row
WITH row WHERE row.ref IS NOT NULL
MATCH (n:Opportunity {id: row.id})
MATCH (t:Account {id: row.ref})
MERGE (n)-[:FOR]->(t)
RETURN count(*) AS rows

// Which of the given ids exist (to name the missing ones when a batch falls short).

// name: existing_ids_accounts
// The ids among $ids that name an Account node.
UNWIND $ids AS id
MATCH (n:Account {id: id})
RETURN n.id AS id

// name: existing_ids_organizations
// The ids among $ids that name an Organization node.
UNWIND $ids AS id
MATCH (n:Organization {id: id})
RETURN n.id AS id

// name: existing_ids_people
// The ids among $ids that name a Person node.
UNWIND $ids AS id
MATCH (n:Person {id: id})
RETURN n.id AS id

// name: existing_ids_opportunities
// The ids among $ids that name an Opportunity node.
UNWIND $ids AS id
MATCH (n:Opportunity {id: id})
RETURN n.id AS id

// name: existing_ids_interactions
// The ids among $ids that name an Interaction node.
UNWIND $ids AS id
MATCH (n:Interaction {id: id})
RETURN n.id AS id
