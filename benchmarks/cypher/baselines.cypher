// Exact Cypher equivalents of kamgraph's access paths and decision-maker gaps, for the
// benchmark suite (benchmarks/run.py): the same strength formula (kamgraph/analysis/
// strength.py) evaluated by the graph database at query time, so the answers can be
// compared with kamgraph's to 1e-9. Read-only. Parameters (all from kamgraph Settings):
//   $as_of 'YYYY-MM-DD'; $weights {visit: 3.0, ...}; $half_life, $declared_half_life,
//   $evidence_scale, $size_exponent; $kind_factors {friend: 1.0, ...}; $colleague_factor,
//   $other_factor, $association_factor; $covered.
// Strength of a pair at $as_of:
//   evidence = sum over interactions both attended on or before $as_of, with n attendees, of
//              weights[kind] * max(n - 1, 1)^(-size_exponent) * 2^(-days / half_life)
//   declared = max over KNOWS in force (assessed_on empty or <= $as_of) of
//              (strength - 0.5) / 5 * 2^(-days since assessed_on / declared_half_life) (1 if undated)
//   strength = 1 - (1 - declared) * evidence_scale / (evidence_scale + evidence)
// Dates are ISO strings on the graph (as the Neo4j store writes them), so string order is
// date order and duration.inDays(date(a), date(b)) gives the age in days.

// name: bench_person_paths
// Direct paths (an internal person with strength > 0 to the target) and paths through one
// person x who is not ours: score = strength(u, x) * strength(x, target) * factor, factor
// the best of x's tie kinds with the target, 'colleague' when they share a current
// employer, 'other' when they only met. Top $k by score.
MATCH (t:Person {id: $target_id})
OPTIONAL MATCH (t)-[:ATTENDED]->(i:Interaction)<-[:ATTENDED]-(x:Person)
WHERE i.date <= $as_of
OPTIONAL MATCH (i)<-[:ATTENDED]-(m:Person)
WITH t, x, i, count(DISTINCT m) AS size
WITH t, x, sum($weights[i.kind] * (CASE WHEN size > 2 THEN size - 1.0 ELSE 1.0 END) ^ (-1.0 * $size_exponent)
               * 2.0 ^ (-1.0 * duration.inDays(date(i.date), date($as_of)).days / $half_life)) AS ev,
     count(i) AS n
WITH t, collect(CASE WHEN x IS NULL THEN null ELSE {p: x, ev: ev, n: n, dec: 0.0, kinds: []} END) AS met
OPTIONAL MATCH (t)-[k:KNOWS]-(y:Person)
WHERE k.assessed_on IS NULL OR k.assessed_on <= $as_of
WITH t, met, collect(CASE WHEN y IS NULL THEN null ELSE {p: y, ev: 0.0, n: 0, kinds: [k.kind],
     dec: CASE WHEN k.strength IS NULL THEN 0.0 ELSE (k.strength - 0.5) / 5.0 END * CASE WHEN k.assessed_on IS NULL THEN 1.0
          ELSE 2.0 ^ (-1.0 * duration.inDays(date(k.assessed_on), date($as_of)).days / $declared_half_life) END}
     END) AS known
UNWIND met + known AS e
WITH t, e.p AS x, sum(e.ev) AS ev, sum(e.n) AS n, max(e.dec) AS dec, collect(e.kinds) AS kind_lists
WITH t, x, n, reduce(a = [], l IN kind_lists | a + l) AS kinds,
     1.0 - (1.0 - dec) * $evidence_scale / ($evidence_scale + ev) AS s2
WHERE s2 > 0
WITH t, x, s2,
     reduce(f = CASE WHEN n > 0 THEN $other_factor ELSE 0.0 END, kd IN kinds |
            CASE WHEN coalesce($kind_factors[kd], $other_factor) > f THEN coalesce($kind_factors[kd], $other_factor)
                 ELSE f END) AS f0
OPTIONAL MATCH (x)-[w1:WORKS_AT]->(org)<-[w2:WORKS_AT]-(t)
WHERE x.side <> 'internal'
  AND (w1.since IS NULL OR w1.since <= $as_of) AND (w1.until IS NULL OR w1.until >= $as_of)
  AND (w2.since IS NULL OR w2.since <= $as_of) AND (w2.until IS NULL OR w2.until >= $as_of)
WITH t, x, s2, f0, count(org) AS shared
WITH t, x, s2, CASE WHEN shared > 0 AND $colleague_factor > f0 THEN $colleague_factor ELSE f0 END AS factor
OPTIONAL MATCH (x)-[:ATTENDED]->(j:Interaction)<-[:ATTENDED]-(u:Person)
WHERE x.side <> 'internal' AND u.side = 'internal' AND u <> t AND j.date <= $as_of
OPTIONAL MATCH (j)<-[:ATTENDED]-(mj:Person)
WITH t, x, s2, factor, u, j, count(DISTINCT mj) AS size
WITH t, x, s2, factor, u,
     sum($weights[j.kind] * (CASE WHEN size > 2 THEN size - 1.0 ELSE 1.0 END) ^ (-1.0 * $size_exponent)
         * 2.0 ^ (-1.0 * duration.inDays(date(j.date), date($as_of)).days / $half_life)) AS ev1
WITH t, x, s2, factor, collect(CASE WHEN u IS NULL THEN null ELSE {p: u, ev: ev1, dec: 0.0} END) AS met1
OPTIONAL MATCH (x)-[k1:KNOWS]-(v:Person)
WHERE x.side <> 'internal' AND v.side = 'internal' AND v <> t
  AND (k1.assessed_on IS NULL OR k1.assessed_on <= $as_of)
WITH t, x, s2, factor, met1, collect(CASE WHEN v IS NULL THEN null ELSE {p: v, ev: 0.0,
     dec: CASE WHEN k1.strength IS NULL THEN 0.0 ELSE (k1.strength - 0.5) / 5.0 END * CASE WHEN k1.assessed_on IS NULL THEN 1.0
          ELSE 2.0 ^ (-1.0 * duration.inDays(date(k1.assessed_on), date($as_of)).days / $declared_half_life) END}
     END) AS known1
UNWIND CASE WHEN x.side = 'internal' THEN [{p: x, ev: 0.0, dec: 0.0, direct: true}]
            ELSE [l IN met1 + known1 | {p: l.p, ev: l.ev, dec: l.dec, direct: false}] END AS leg
WITH x, s2, factor, leg.direct AS direct, leg.p AS u, sum(leg.ev) AS ev1, max(leg.dec) AS dec1
WITH x, s2, factor, direct, u, 1.0 - (1.0 - dec1) * $evidence_scale / ($evidence_scale + ev1) AS s1
WHERE direct OR s1 > 0
RETURN u.id AS internal_id, CASE WHEN direct THEN null ELSE x.id END AS via_id,
       CASE WHEN direct THEN 'direct' ELSE 'person' END AS kind,
       CASE WHEN direct THEN s2 ELSE s1 * s2 * factor END AS score
ORDER BY score DESC, internal_id, via_id
LIMIT $k

// name: bench_membership_paths
// Paths through a shared organization: our person and the target are current members of
// the same body; every such path scores $association_factor. Top $k.
MATCH (t:Person {id: $target_id})-[m1:MEMBER_OF]->(o)<-[m2:MEMBER_OF]-(u:Person)
WHERE u.side = 'internal' AND u <> t
  AND (m1.since IS NULL OR m1.since <= $as_of) AND (m2.since IS NULL OR m2.since <= $as_of)
RETURN u.id AS internal_id, o.id AS via_id, 'organization' AS kind, $association_factor AS score
ORDER BY internal_id, via_id
LIMIT $k

// name: bench_account_decision_makers
// The current decision-makers of one account (current customer contacts whose latest
// assessed decision role on or before $as_of is decision_maker) with the best strength
// from any of our people (null: nobody has a tie or an interaction) and whether that is
// below $covered: kamgraph's uncovered_decision_maker gap; an account with no row has
// kamgraph's no_decision_maker_known gap.
MATCH (p:Person)-[w:WORKS_AT]->(acc:Account {id: $account_id})
WHERE p.side = 'customer' AND (w.since IS NULL OR w.since <= $as_of) AND (w.until IS NULL OR w.until >= $as_of)
MATCH (p)-[a:ASSESSED]->(acc)
WHERE a.assessed_on <= $as_of AND a.decision_role IS NOT NULL
WITH p, a ORDER BY a.assessed_on DESC
WITH p, collect(a.decision_role)[0] AS role
WHERE role = 'decision_maker'
OPTIONAL MATCH (p)-[:ATTENDED]->(i:Interaction)<-[:ATTENDED]-(u:Person)
WHERE u.side = 'internal' AND i.date <= $as_of
OPTIONAL MATCH (i)<-[:ATTENDED]-(m:Person)
WITH p, u, i, count(DISTINCT m) AS size
WITH p, u, sum($weights[i.kind] * (CASE WHEN size > 2 THEN size - 1.0 ELSE 1.0 END) ^ (-1.0 * $size_exponent)
               * 2.0 ^ (-1.0 * duration.inDays(date(i.date), date($as_of)).days / $half_life)) AS ev
WITH p, collect(CASE WHEN u IS NULL THEN null ELSE {p: u, ev: ev, dec: 0.0} END) AS met
OPTIONAL MATCH (p)-[k:KNOWS]-(v:Person)
WHERE v.side = 'internal' AND (k.assessed_on IS NULL OR k.assessed_on <= $as_of)
WITH p, met, collect(CASE WHEN v IS NULL THEN null ELSE {p: v, ev: 0.0,
     dec: CASE WHEN k.strength IS NULL THEN 0.0 ELSE (k.strength - 0.5) / 5.0 END * CASE WHEN k.assessed_on IS NULL THEN 1.0
          ELSE 2.0 ^ (-1.0 * duration.inDays(date(k.assessed_on), date($as_of)).days / $declared_half_life) END}
     END) AS known
UNWIND CASE WHEN size(met + known) = 0 THEN [{p: null, ev: 0.0, dec: 0.0}] ELSE met + known END AS leg
WITH p, leg.p AS u, sum(leg.ev) AS ev, max(leg.dec) AS dec
WITH p, max(CASE WHEN u IS NULL THEN null ELSE 1.0 - (1.0 - dec) * $evidence_scale / ($evidence_scale + ev) END) AS best
RETURN p.id AS person_id, best, coalesce(best, 0.0) < $covered AS uncovered
ORDER BY person_id
