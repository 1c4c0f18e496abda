// Constraints and indexes, created with IF NOT EXISTS before the first write.
// kamgraph/store/neo4j.py runs every statement of this file, in order.
// A uniqueness constraint on id for every node label (it is also the index MERGE uses:
// without it ArcadeDB scans and Neo4j may create duplicates under concurrent writes).

// name: constraint_account_id
// Account.id is unique.
CREATE CONSTRAINT account_id IF NOT EXISTS
FOR (n:Account) REQUIRE n.id IS UNIQUE

// name: constraint_organization_id
// Organization.id is unique.
CREATE CONSTRAINT organization_id IF NOT EXISTS
FOR (n:Organization) REQUIRE n.id IS UNIQUE

// name: constraint_person_id
// Person.id is unique.
CREATE CONSTRAINT person_id IF NOT EXISTS
FOR (n:Person) REQUIRE n.id IS UNIQUE

// name: constraint_opportunity_id
// Opportunity.id is unique.
CREATE CONSTRAINT opportunity_id IF NOT EXISTS
FOR (n:Opportunity) REQUIRE n.id IS UNIQUE

// name: constraint_interaction_id
// Interaction.id is unique.
CREATE CONSTRAINT interaction_id IF NOT EXISTS
FOR (n:Interaction) REQUIRE n.id IS UNIQUE

// name: constraint_kamgraph_meta_id
// KamgraphMeta.id is unique.
CREATE CONSTRAINT kamgraph_meta_id IF NOT EXISTS
FOR (n:KamgraphMeta) REQUIRE n.id IS UNIQUE

// Indexes for the filtered reads the snapshot and erase_person make.

// name: index_person_side
// The snapshot reads all internal staff: Person.side.
CREATE INDEX person_side IF NOT EXISTS
FOR (n:Person) ON (n.side)

// name: index_account_owner_id
// erase_person clears Account.owner_id.
CREATE INDEX account_owner_id IF NOT EXISTS
FOR (n:Account) ON (n.owner_id)

// name: index_assessed_assessed_by
// erase_person clears ASSESSED.assessed_by.
CREATE INDEX assessed_assessed_by IF NOT EXISTS
FOR ()-[r:ASSESSED]-() ON (r.assessed_by)

// name: index_interaction_date
// Date-range queries over interactions (cypher/analysis).
CREATE INDEX interaction_date IF NOT EXISTS
FOR (n:Interaction) ON (n.date)

// name: index_audit_entry_seq
// The audit trail is read in seq order, and redaction finds entries by seq.
CREATE INDEX audit_entry_seq IF NOT EXISTS
FOR (n:AuditEntry) ON (n.seq)
