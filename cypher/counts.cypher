// Row counts per entity (kamgraph counts, migrate's check).

// name: count_accounts
// Number of accounts rows.
MATCH (n:Account)
RETURN count(n) AS n

// name: count_organizations
// Number of organizations rows.
MATCH (n:Organization)
RETURN count(n) AS n

// name: count_people
// Number of people rows.
MATCH (n:Person)
RETURN count(n) AS n

// name: count_opportunities
// Number of opportunities rows.
MATCH (n:Opportunity)
RETURN count(n) AS n

// name: count_interactions
// Number of interactions rows.
MATCH (n:Interaction)
RETURN count(n) AS n

// name: count_employment
// Number of employment rows.
MATCH (a:Person)-[r:WORKS_AT]->(b:Account|Organization)
RETURN count(r) AS n

// name: count_assessments
// Number of assessments rows.
MATCH (a:Person)-[r:ASSESSED]->(b:Account)
RETURN count(r) AS n

// name: count_reports_to
// Number of reports_to rows.
MATCH (a:Person)-[r:REPORTS_TO]->(b:Person)
RETURN count(r) AS n

// name: count_ties
// Number of ties rows.
MATCH (a:Person)-[r:KNOWS]->(b:Person)
RETURN count(r) AS n

// name: count_influence
// Number of influence rows.
MATCH (a:Person)-[r:INFLUENCES]->(b:Person)
RETURN count(r) AS n

// name: count_memberships
// Number of memberships rows.
MATCH (a:Person)-[r:MEMBER_OF]->(b:Organization|Account)
RETURN count(r) AS n

// name: count_attendance
// Number of attendance rows.
MATCH (a:Person)-[r:ATTENDED]->(b:Interaction)
RETURN count(r) AS n

// name: count_opportunity_roles
// Number of opportunity_roles rows.
MATCH (a:Person)-[r:PLAYS]->(b:Opportunity)
RETURN count(r) AS n

// name: count_all_nodes
// Every node by label set, kamgraph's or not (tests use it to prove an erase left
// nothing behind).
MATCH (n)
RETURN labels(n) AS labels, count(*) AS n

// name: count_all_relationships
// Every relationship by type.
MATCH ()-[r]->()
RETURN type(r) AS type, count(*) AS n
