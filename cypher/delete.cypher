// Deletes by key. $rows for relationship entities (their key columns), $ids for nodes.
// A deleted node takes its relationships with it (DETACH DELETE): for the edge-held
// references that is the same as SQLite setting interactions.account_id /
// opportunity_id to NULL. Deleting an account deletes its opportunities first (their
// account is required), as the SQLite store does. People are erased with erase_person_*.

// name: delete_opportunities_of_accounts
// Opportunities FOR the accounts about to be deleted (they cannot exist without one).
UNWIND $ids AS id
MATCH (o:Opportunity)-[:FOR]->(:Account {id: id})
DETACH DELETE o
RETURN count(*) AS rows

// name: delete_accounts
// Account nodes by id, with their relationships.
UNWIND $ids AS id
MATCH (n:Account {id: id})
DETACH DELETE n
RETURN count(*) AS rows

// name: delete_organizations
// Organization nodes by id, with their relationships.
UNWIND $ids AS id
MATCH (n:Organization {id: id})
DETACH DELETE n
RETURN count(*) AS rows

// name: delete_opportunities
// Opportunity nodes by id, with their relationships.
UNWIND $ids AS id
MATCH (n:Opportunity {id: id})
DETACH DELETE n
RETURN count(*) AS rows

// name: delete_interactions
// Interaction nodes by id, with their relationships.
UNWIND $ids AS id
MATCH (n:Interaction {id: id})
DETACH DELETE n
RETURN count(*) AS rows

// name: delete_employment
// WORKS_AT relationships by (person_id, org_id).
UNWIND $rows AS row
MATCH (a:Person {id: row.person_id})-[r:WORKS_AT]->(b:Account|Organization)
WHERE b.id = row.org_id
DELETE r
RETURN count(*) AS rows

// name: delete_assessments
// ASSESSED relationships by (person_id, account_id, assessed_on).
UNWIND $rows AS row
MATCH (a:Person {id: row.person_id})-[r:ASSESSED {assessed_on: row.assessed_on}]->(b:Account {id: row.account_id})
DELETE r
RETURN count(*) AS rows

// name: delete_reports_to
// REPORTS_TO relationships by (person_id, manager_id).
UNWIND $rows AS row
MATCH (a:Person {id: row.person_id})-[r:REPORTS_TO]->(b:Person {id: row.manager_id})
DELETE r
RETURN count(*) AS rows

// name: delete_ties
// KNOWS relationships by (person_id, other_id, kind).
UNWIND $rows AS row
MATCH (a:Person {id: row.person_id})-[r:KNOWS {kind: row.kind}]->(b:Person {id: row.other_id})
DELETE r
RETURN count(*) AS rows

// name: delete_influence
// INFLUENCES relationships by (source_id, target_id).
UNWIND $rows AS row
MATCH (a:Person {id: row.source_id})-[r:INFLUENCES]->(b:Person {id: row.target_id})
DELETE r
RETURN count(*) AS rows

// name: delete_memberships
// MEMBER_OF relationships by (person_id, org_id).
UNWIND $rows AS row
MATCH (a:Person {id: row.person_id})-[r:MEMBER_OF]->(b:Organization|Account)
WHERE b.id = row.org_id
DELETE r
RETURN count(*) AS rows

// name: delete_attendance
// ATTENDED relationships by (interaction_id, person_id).
UNWIND $rows AS row
MATCH (a:Person {id: row.person_id})-[r:ATTENDED]->(b:Interaction {id: row.interaction_id})
DELETE r
RETURN count(*) AS rows

// name: delete_opportunity_roles
// PLAYS relationships by (person_id, opportunity_id).
UNWIND $rows AS row
MATCH (a:Person {id: row.person_id})-[r:PLAYS]->(b:Opportunity {id: row.opportunity_id})
DELETE r
RETURN count(*) AS rows
