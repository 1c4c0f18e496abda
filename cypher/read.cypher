// Reads, one per entity and one per filter column of the entity (Entity.filter_columns in
// kamgraph/schema.py: the columns the code reads by; no other column is offered as a
// filter): $values is a list, the column's rows are returned when their value is in it.
// Every statement returns exactly the entity's columns, in any order; the store normalizes
// and sorts. Relationship entities take their key columns from the endpoint ids; an
// interaction's account_id / opportunity_id and an opportunity's account_id come from the
// ABOUT / FOR edges.

// ---- accounts ---------------------------------------------------------------

// name: read_accounts
// Every row of accounts.
MATCH (n:Account)
RETURN n.id AS id,
       n.name AS name,
       n.industry AS industry,
       n.region AS region,
       n.city AS city,
       n.country AS country,
       n.tier AS tier,
       n.problem AS problem,
       n.owner_id AS owner_id,
       n.revenue AS revenue,
       n.gross_margin AS gross_margin,
       n.collection_rate AS collection_rate,
       n.on_time_payment AS on_time_payment,
       n.growth AS growth,
       n.industry_influence AS industry_influence,
       n.strategic_fit AS strategic_fit

// name: read_accounts_by_id
// Rows of accounts whose id is in $values.
MATCH (n:Account)
WHERE n.id IN $values
RETURN n.id AS id,
       n.name AS name,
       n.industry AS industry,
       n.region AS region,
       n.city AS city,
       n.country AS country,
       n.tier AS tier,
       n.problem AS problem,
       n.owner_id AS owner_id,
       n.revenue AS revenue,
       n.gross_margin AS gross_margin,
       n.collection_rate AS collection_rate,
       n.on_time_payment AS on_time_payment,
       n.growth AS growth,
       n.industry_influence AS industry_influence,
       n.strategic_fit AS strategic_fit

// ---- organizations ----------------------------------------------------------

// name: read_organizations
// Every row of organizations.
MATCH (n:Organization)
RETURN n.id AS id,
       n.name AS name,
       n.kind AS kind,
       n.city AS city,
       n.country AS country

// name: read_organizations_by_id
// Rows of organizations whose id is in $values.
MATCH (n:Organization)
WHERE n.id IN $values
RETURN n.id AS id,
       n.name AS name,
       n.kind AS kind,
       n.city AS city,
       n.country AS country

// ---- people -----------------------------------------------------------------

// name: read_people
// Every row of people.
MATCH (n:Person)
RETURN n.id AS id,
       n.name AS name,
       n.side AS side,
       n.title AS title,
       n.level AS level,
       n.email AS email,
       n.phone AS phone,
       n.city AS city,
       n.country AS country,
       n.notes AS notes

// name: read_people_by_id
// Rows of people whose id is in $values.
MATCH (n:Person)
WHERE n.id IN $values
RETURN n.id AS id,
       n.name AS name,
       n.side AS side,
       n.title AS title,
       n.level AS level,
       n.email AS email,
       n.phone AS phone,
       n.city AS city,
       n.country AS country,
       n.notes AS notes

// name: read_people_by_side
// Rows of people whose side is in $values.
MATCH (n:Person)
WHERE n.side IN $values
RETURN n.id AS id,
       n.name AS name,
       n.side AS side,
       n.title AS title,
       n.level AS level,
       n.email AS email,
       n.phone AS phone,
       n.city AS city,
       n.country AS country,
       n.notes AS notes

// ---- opportunities ----------------------------------------------------------

// name: read_opportunities
// Every row of opportunities.
MATCH (n:Opportunity)
OPTIONAL MATCH (n)-[:FOR]->(ref_account:Account)
RETURN n.id AS id,
       ref_account.id AS account_id,
       n.name AS name,
       n.stage AS stage,
       n.status AS status,
       n.amount AS amount,
       n.close_date AS close_date

// name: read_opportunities_by_id
// Rows of opportunities whose id is in $values.
MATCH (n:Opportunity)
WHERE n.id IN $values
OPTIONAL MATCH (n)-[:FOR]->(ref_account:Account)
RETURN n.id AS id,
       ref_account.id AS account_id,
       n.name AS name,
       n.stage AS stage,
       n.status AS status,
       n.amount AS amount,
       n.close_date AS close_date

// name: read_opportunities_by_account_id
// Rows of opportunities whose account_id is in $values.
MATCH (n:Opportunity)-[:FOR]->(ref_account:Account)
WHERE ref_account.id IN $values
RETURN n.id AS id,
       ref_account.id AS account_id,
       n.name AS name,
       n.stage AS stage,
       n.status AS status,
       n.amount AS amount,
       n.close_date AS close_date

// ---- interactions -----------------------------------------------------------

// name: read_interactions
// Every row of interactions.
MATCH (n:Interaction)
OPTIONAL MATCH (n)-[:ABOUT]->(ref_account:Account)
OPTIONAL MATCH (n)-[:ABOUT]->(ref_opportunity:Opportunity)
RETURN n.id AS id,
       n.date AS date,
       n.kind AS kind,
       ref_account.id AS account_id,
       ref_opportunity.id AS opportunity_id,
       n.subject AS subject,
       n.notes AS notes

// name: read_interactions_by_id
// Rows of interactions whose id is in $values.
MATCH (n:Interaction)
WHERE n.id IN $values
OPTIONAL MATCH (n)-[:ABOUT]->(ref_account:Account)
OPTIONAL MATCH (n)-[:ABOUT]->(ref_opportunity:Opportunity)
RETURN n.id AS id,
       n.date AS date,
       n.kind AS kind,
       ref_account.id AS account_id,
       ref_opportunity.id AS opportunity_id,
       n.subject AS subject,
       n.notes AS notes

// ---- employment -------------------------------------------------------------

// name: read_employment
// Every row of employment.
MATCH (a:Person)-[r:WORKS_AT]->(b:Account|Organization)
RETURN a.id AS person_id,
       b.id AS org_id,
       r.title AS title,
       r.team_role AS team_role,
       r.since AS since,
       r.until AS until

// name: read_employment_by_person_id
// Rows of employment whose person_id is in $values.
MATCH (a:Person)-[r:WORKS_AT]->(b:Account|Organization)
WHERE a.id IN $values
RETURN a.id AS person_id,
       b.id AS org_id,
       r.title AS title,
       r.team_role AS team_role,
       r.since AS since,
       r.until AS until

// name: read_employment_by_org_id
// Rows of employment whose org_id is in $values.
// One branch per target label so each can use its id constraint (the target
// is never both, so UNION ALL returns each row once).
MATCH (a:Person)-[r:WORKS_AT]->(b:Account)
WHERE b.id IN $values
RETURN a.id AS person_id,
       b.id AS org_id,
       r.title AS title,
       r.team_role AS team_role,
       r.since AS since,
       r.until AS until
UNION ALL
MATCH (a:Person)-[r:WORKS_AT]->(b:Organization)
WHERE b.id IN $values
RETURN a.id AS person_id,
       b.id AS org_id,
       r.title AS title,
       r.team_role AS team_role,
       r.since AS since,
       r.until AS until

// ---- assessments ------------------------------------------------------------

// name: read_assessments
// Every row of assessments.
MATCH (a:Person)-[r:ASSESSED]->(b:Account)
RETURN a.id AS person_id,
       b.id AS account_id,
       r.assessed_on AS assessed_on,
       r.decision_role AS decision_role,
       r.attitude AS attitude,
       r.influence AS influence,
       r.assessed_by AS assessed_by,
       r.source AS source

// name: read_assessments_by_person_id
// Rows of assessments whose person_id is in $values.
MATCH (a:Person)-[r:ASSESSED]->(b:Account)
WHERE a.id IN $values
RETURN a.id AS person_id,
       b.id AS account_id,
       r.assessed_on AS assessed_on,
       r.decision_role AS decision_role,
       r.attitude AS attitude,
       r.influence AS influence,
       r.assessed_by AS assessed_by,
       r.source AS source

// name: read_assessments_by_assessed_by
// Rows of assessments whose assessed_by is in $values.
MATCH (a:Person)-[r:ASSESSED]->(b:Account)
WHERE r.assessed_by IN $values
RETURN a.id AS person_id,
       b.id AS account_id,
       r.assessed_on AS assessed_on,
       r.decision_role AS decision_role,
       r.attitude AS attitude,
       r.influence AS influence,
       r.assessed_by AS assessed_by,
       r.source AS source

// ---- reports_to -------------------------------------------------------------

// name: read_reports_to
// Every row of reports_to.
MATCH (a:Person)-[r:REPORTS_TO]->(b:Person)
RETURN a.id AS person_id,
       b.id AS manager_id

// name: read_reports_to_by_person_id
// Rows of reports_to whose person_id is in $values.
MATCH (a:Person)-[r:REPORTS_TO]->(b:Person)
WHERE a.id IN $values
RETURN a.id AS person_id,
       b.id AS manager_id

// name: read_reports_to_by_manager_id
// Rows of reports_to whose manager_id is in $values.
MATCH (a:Person)-[r:REPORTS_TO]->(b:Person)
WHERE b.id IN $values
RETURN a.id AS person_id,
       b.id AS manager_id

// ---- ties -------------------------------------------------------------------

// name: read_ties
// Every row of ties.
MATCH (a:Person)-[r:KNOWS]->(b:Person)
RETURN a.id AS person_id,
       b.id AS other_id,
       r.kind AS kind,
       r.strength AS strength,
       r.assessed_on AS assessed_on,
       r.since AS since,
       r.notes AS notes

// name: read_ties_by_person_id
// Rows of ties whose person_id is in $values.
MATCH (a:Person)-[r:KNOWS]->(b:Person)
WHERE a.id IN $values
RETURN a.id AS person_id,
       b.id AS other_id,
       r.kind AS kind,
       r.strength AS strength,
       r.assessed_on AS assessed_on,
       r.since AS since,
       r.notes AS notes

// name: read_ties_by_other_id
// Rows of ties whose other_id is in $values.
MATCH (a:Person)-[r:KNOWS]->(b:Person)
WHERE b.id IN $values
RETURN a.id AS person_id,
       b.id AS other_id,
       r.kind AS kind,
       r.strength AS strength,
       r.assessed_on AS assessed_on,
       r.since AS since,
       r.notes AS notes

// ---- influence --------------------------------------------------------------

// name: read_influence
// Every row of influence.
MATCH (a:Person)-[r:INFLUENCES]->(b:Person)
RETURN a.id AS source_id,
       b.id AS target_id,
       r.weight AS weight

// name: read_influence_by_source_id
// Rows of influence whose source_id is in $values.
MATCH (a:Person)-[r:INFLUENCES]->(b:Person)
WHERE a.id IN $values
RETURN a.id AS source_id,
       b.id AS target_id,
       r.weight AS weight

// name: read_influence_by_target_id
// Rows of influence whose target_id is in $values.
MATCH (a:Person)-[r:INFLUENCES]->(b:Person)
WHERE b.id IN $values
RETURN a.id AS source_id,
       b.id AS target_id,
       r.weight AS weight

// ---- memberships ------------------------------------------------------------

// name: read_memberships
// Every row of memberships.
MATCH (a:Person)-[r:MEMBER_OF]->(b:Organization|Account)
RETURN a.id AS person_id,
       b.id AS org_id,
       r.role AS role,
       r.since AS since

// name: read_memberships_by_person_id
// Rows of memberships whose person_id is in $values.
MATCH (a:Person)-[r:MEMBER_OF]->(b:Organization|Account)
WHERE a.id IN $values
RETURN a.id AS person_id,
       b.id AS org_id,
       r.role AS role,
       r.since AS since

// name: read_memberships_by_org_id
// Rows of memberships whose org_id is in $values.
// One branch per target label so each can use its id constraint (the target
// is never both, so UNION ALL returns each row once).
MATCH (a:Person)-[r:MEMBER_OF]->(b:Organization)
WHERE b.id IN $values
RETURN a.id AS person_id,
       b.id AS org_id,
       r.role AS role,
       r.since AS since
UNION ALL
MATCH (a:Person)-[r:MEMBER_OF]->(b:Account)
WHERE b.id IN $values
RETURN a.id AS person_id,
       b.id AS org_id,
       r.role AS role,
       r.since AS since

// ---- attendance -------------------------------------------------------------

// name: read_attendance
// Every row of attendance.
MATCH (a:Person)-[r:ATTENDED]->(b:Interaction)
RETURN b.id AS interaction_id,
       a.id AS person_id

// name: read_attendance_by_interaction_id
// Rows of attendance whose interaction_id is in $values.
MATCH (a:Person)-[r:ATTENDED]->(b:Interaction)
WHERE b.id IN $values
RETURN b.id AS interaction_id,
       a.id AS person_id

// name: read_attendance_by_person_id
// Rows of attendance whose person_id is in $values.
MATCH (a:Person)-[r:ATTENDED]->(b:Interaction)
WHERE a.id IN $values
RETURN b.id AS interaction_id,
       a.id AS person_id

// ---- opportunity_roles ------------------------------------------------------

// name: read_opportunity_roles
// Every row of opportunity_roles.
MATCH (a:Person)-[r:PLAYS]->(b:Opportunity)
RETURN a.id AS person_id,
       b.id AS opportunity_id,
       r.role AS role,
       r.attitude AS attitude,
       r.influence AS influence

// name: read_opportunity_roles_by_person_id
// Rows of opportunity_roles whose person_id is in $values.
MATCH (a:Person)-[r:PLAYS]->(b:Opportunity)
WHERE a.id IN $values
RETURN a.id AS person_id,
       b.id AS opportunity_id,
       r.role AS role,
       r.attitude AS attitude,
       r.influence AS influence

// name: read_opportunity_roles_by_opportunity_id
// Rows of opportunity_roles whose opportunity_id is in $values.
MATCH (a:Person)-[r:PLAYS]->(b:Opportunity)
WHERE b.id IN $values
RETURN a.id AS person_id,
       b.id AS opportunity_id,
       r.role AS role,
       r.attitude AS attitude,
       r.influence AS influence

