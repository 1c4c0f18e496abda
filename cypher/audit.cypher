// The audit trail: one AuditEntry node per inserted, changed or deleted row, written in the
// same transaction as the change (each import batch, a delete). key / before / after are
// JSON objects (text), except an insert's after: null (every column supplied) or the JSON
// array of the supplied columns; kamgraph.store.base.BaseStore._complete rebuilds its values
// on read (entries written before hold the object and are read as they are). refs lists the ids the entry names as "<entity>:<id>" ("people:P1",
// "accounts:A1"), built by kamgraph.store.base.audit_refs, for per-person and per-account
// reads and for erasure (erase_person_audit in person.cypher).

// name: audit_append
// $entries = [{seq, at, actor, source, action, entity, key, before, after, refs}], their
// seq numbers reserved by audit_reserve_seq in the same transaction.
UNWIND $entries AS e
CREATE (a:AuditEntry {seq: e.seq, at: e.at, actor: e.actor, source: e.source, action: e.action,
                      entity: e.entity, key: e.key, before: e.before, after: e.after, refs: e.refs})
RETURN count(a) AS rows

// name: audit_all
// Every audit entry, oldest first.
MATCH (a:AuditEntry)
RETURN a.seq AS seq, a.at AS at, a.actor AS actor, a.source AS source, a.action AS action,
       a.entity AS entity, a.key AS key, a.before AS before, a.after AS after
ORDER BY seq

// name: audit_by_refs
// The audit entries naming any of $refs, oldest first.
MATCH (a:AuditEntry)
WHERE any(r IN a.refs WHERE r IN $refs)
RETURN a.seq AS seq, a.at AS at, a.actor AS actor, a.source AS source, a.action AS action,
       a.entity AS entity, a.key AS key, a.before AS before, a.after AS after
ORDER BY seq

// name: audit_of_entities
// The audit entries of the entities $entities (mentions() searches their free text).
MATCH (a:AuditEntry)
WHERE a.entity IN $entities
RETURN a.seq AS seq, a.at AS at, a.actor AS actor, a.source AS source, a.action AS action,
       a.entity AS entity, a.key AS key, a.before AS before, a.after AS after
ORDER BY seq

// name: audit_set_texts
// Redaction: new before / after texts of entries by seq ($rows = [{seq, before, after}]).
UNWIND $rows AS row
MATCH (a:AuditEntry {seq: row.seq})
SET a.before = row.before, a.after = row.after
RETURN count(a) AS rows

// name: trace_value_in_audit
// Tests and administration: audit entries still naming $suffix (":" + an id) in their refs
// or holding $json (a value as a JSON string) in their key, before or after.
MATCH (a:AuditEntry)
WHERE any(r IN a.refs WHERE r ENDS WITH $suffix)
   OR a.key CONTAINS $json OR a.before CONTAINS $json OR a.after CONTAINS $json
RETURN a.seq AS seq, a.entity AS entity
