// Bookkeeping: the data version (a cache key that changes on every write), schema
// inspection and a test-only reset. The meta node's label, KamgraphMeta, is the one
// label outside kamgraph.schema.NODE_LABELS (whitelisted in kamgraph/store/cypher_registry.py).

// name: meta_bump_data_version
// Run inside every write transaction (each import batch, delete and erase).
MERGE (m:KamgraphMeta {id: 'meta'})
SET m.data_version = coalesce(m.data_version, 0) + 1
RETURN m.data_version AS data_version

// name: meta_data_version
// 0 for a database kamgraph has never written to.
OPTIONAL MATCH (m:KamgraphMeta {id: 'meta'})
RETURN coalesce(m.data_version, 0) AS data_version

// name: show_constraints
// The constraints in place (tests check init() created one per label).
SHOW CONSTRAINTS
YIELD name, type, labelsOrTypes, properties
RETURN name, type, labelsOrTypes, properties

// name: show_indexes
SHOW INDEXES
YIELD name, type, labelsOrTypes, properties
RETURN name, type, labelsOrTypes, properties

// name: clear_database
// DESTRUCTIVE: removes every node and relationship of the database (constraints and
// indexes stay). Used by the test suite to give each test an empty graph; never run by
// the store itself.
MATCH (n)
DETACH DELETE n

// name: meta_lower_history_from
// Where the stored history starts (a day number since 1970-01-01): the earliest start any
// write recorded or declared. Run once after an import's batches.
MERGE (m:KamgraphMeta {id: 'meta'})
SET m.history_from = CASE WHEN m.history_from IS NULL OR $day < m.history_from THEN $day ELSE m.history_from END
RETURN m.history_from AS history_from

// name: meta_history_from
// The recorded start (null when none) and the first interaction's date, the fallback for a
// database written before starts were recorded.
OPTIONAL MATCH (m:KamgraphMeta {id: 'meta'})
OPTIONAL MATCH (i:Interaction)
RETURN m.history_from AS history_from, min(i.date) AS first_interaction

// name: meta_log_write
// Who wrote and when: appends one entry (a JSON string: at, actor, action, rows = entity ->
// row count, never ids) to the meta node's write log. Run inside an erase's or a delete's
// transaction, and once after an import's batches.
MERGE (m:KamgraphMeta {id: 'meta'})
SET m.write_log = coalesce(m.write_log, []) + [$entry]
RETURN size(m.write_log) AS entries

// name: meta_write_log
// The write log, oldest first (an empty list for a database never written to).
OPTIONAL MATCH (m:KamgraphMeta {id: 'meta'})
RETURN coalesce(m.write_log, []) AS entries

// name: audit_reserve_seq
// Reserves $n audit sequence numbers for one transaction's audit entries and returns the
// last one (the transaction holds the meta node's lock, so writers never share a number).
MERGE (m:KamgraphMeta {id: 'meta'})
SET m.audit_seq = coalesce(m.audit_seq, 0) + $n
RETURN m.audit_seq AS last

// name: meta_reserve_seq_bump_version
// One import batch's bookkeeping in one statement: reserves $n audit sequence numbers for
// the batch's entries (returns the last one) and bumps the data version (returned too).
MERGE (m:KamgraphMeta {id: 'meta'})
SET m.audit_seq = coalesce(m.audit_seq, 0) + $n,
    m.data_version = coalesce(m.data_version, 0) + 1
RETURN m.audit_seq AS last, m.data_version AS data_version
