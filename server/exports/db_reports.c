/* db_reports.c -- the SQL of the reports: one statement each, read a row
 * at a time on a download connection (db/rows.c). PostgreSQL does the
 * sums, the conversion to won and the book values; the columns come out
 * in the order of the column tables in api_reports.c. Every parameter is
 * text, NULL when the filter was not given, and cast here. Dates and
 * periods are Seoul's: a period is from its first day's start to the end
 * of its last day in Asia/Seoul. */
#include "exports/db_reports.h"

#include "db/db_stmts.h"

#define SEOUL_DATE(t) "((" t ") AT TIME ZONE 'Asia/Seoul')::date"
#define IN_PERIOD(t, from, to) \
	"(" from "::date IS NULL OR " SEOUL_DATE(t) " >= " from "::date)" \
	" AND (" to "::date IS NULL OR " SEOUL_DATE(t) " <= " to "::date)"
#define FILTER_ID(col, p) "(" p "::bigint IS NULL OR " col " = " p "::bigint)"
#define PERSON(alias) "nullif(concat_ws(' ', " alias ".name, '<' || " alias ".email || '>'), '')"

/* The first time the audit trail saw an order enter a status. */
#define PO_STATUS_AT(s) \
	"(SELECT seoul_text(min(e.at)) FROM audit_events e WHERE e.table_name = 'purchase_orders'" \
	" AND e.record_id = p.id::text AND e.after->>'status' = '" s "'" \
	" AND e.before->>'status' IS DISTINCT FROM '" s "')"

/* $1 programme, $2 vendor, $3 status, $4 from, $5 to (created). */
#define PURCHASE_ORDERS \
	"SELECT p.reference, p.id, g.name, v.name, p.status, p.currency, p.exchange_rate," \
	"       m.manufacturer || ' ' || m.model, l.quantity, l.unit_price," \
	"       l.quantity::bigint * l.unit_price," \
	"       krw_of(l.quantity::bigint * l.unit_price, p.currency, p.exchange_rate)," \
	"       krw_of((sum(l.quantity::bigint * l.unit_price) OVER (PARTITION BY p.id))::bigint," \
	"              p.currency, p.exchange_rate)," \
	"       seoul_text(p.created_at), seoul_text(p.submitted_at), seoul_text(p.approved_at)," \
	"       seoul_text(p.ordered_at), " PO_STATUS_AT("delivered") ", " PO_STATUS_AT("closed") "," \
	"       " PO_STATUS_AT("cancelled") ", " PERSON("c") ", " PERSON("a") "," \
	"       p.override_reason, p.cancel_reason" \
	"  FROM purchase_orders p JOIN programs g ON g.id = p.program_id" \
	"  JOIN organizations v ON v.id = p.vendor_id" \
	"  JOIN purchase_order_lines l ON l.purchase_order_id = p.id" \
	"  JOIN gpu_models m ON m.id = l.gpu_model_id" \
	"  JOIN users c ON c.id = p.created_by LEFT JOIN users a ON a.id = p.approved_by" \
	" WHERE " FILTER_ID("p.program_id", "$1") " AND " FILTER_ID("p.vendor_id", "$2") \
	"   AND ($3::po_status IS NULL OR p.status = $3::po_status)" \
	"   AND " IN_PERIOD("p.created_at", "$4", "$5") \
	" ORDER BY p.id, l.id"

/* $1 programme, $2 vendor, $3 delivery status, $4 unit result, $5 from,
 * $6 to (the delivery's announcement). */
#define DELIVERIES \
	"SELECT d.id, d.reference, p.reference, v.name, d.status, seoul_text(d.created_at)," \
	"       seoul_text(d.received_at), " PERSON("rb") ", seoul_text(d.inspected_at)," \
	"       u.serial, m.manufacturer || ' ' || m.model, u.result, " PERSON("ib") "," \
	"       seoul_text(u.inspected_at), u.note, a.id" \
	"  FROM deliveries d JOIN purchase_orders p ON p.id = d.purchase_order_id" \
	"  JOIN organizations v ON v.id = p.vendor_id" \
	"  JOIN delivery_units u ON u.delivery_id = d.id" \
	"  JOIN purchase_order_lines l ON l.id = u.purchase_order_line_id" \
	"  JOIN gpu_models m ON m.id = l.gpu_model_id" \
	"  LEFT JOIN users rb ON rb.id = d.received_by LEFT JOIN users ib ON ib.id = u.inspected_by" \
	"  LEFT JOIN assets a ON a.delivery_unit_id = u.id" \
	" WHERE " FILTER_ID("p.program_id", "$1") " AND " FILTER_ID("p.vendor_id", "$2") \
	"   AND ($3::delivery_status IS NULL OR d.status = $3::delivery_status)" \
	"   AND ($4::unit_result IS NULL OR u.result = $4::unit_result)" \
	"   AND " IN_PERIOD("d.created_at", "$5", "$6") \
	" ORDER BY d.id, u.id"

/* $1 programme, $2 vendor, $3 site, $4 tenant, $5 status, $6 as of. The
 * cost of a GPU is its line's unit price in won (USD at the order's
 * rate); its book value falls in a straight line from the day it was
 * accepted (sql/0014). */
#define ASSETS \
	"SELECT a.id, a.serial, m.manufacturer, m.model, a.status, g.name, v.name, p.reference," \
	"       s.name, t.name, " SEOUL_DATE("a.accepted_at") ", a.warranty_ends_on," \
	"       krw_of(l.unit_price, p.currency, p.exchange_rate), m.depreciation_months," \
	"       straight_line_value(krw_of(l.unit_price, p.currency, p.exchange_rate)," \
	"           " SEOUL_DATE("a.accepted_at") ", m.depreciation_months, $6::date), $6::date" \
	"  FROM assets a JOIN gpu_models m ON m.id = a.gpu_model_id" \
	"  JOIN programs g ON g.id = a.program_id JOIN organizations v ON v.id = a.vendor_id" \
	"  JOIN purchase_orders p ON p.id = a.purchase_order_id" \
	"  JOIN purchase_order_lines l ON l.id = a.purchase_order_line_id" \
	"  LEFT JOIN sites s ON s.id = a.site_id LEFT JOIN organizations t ON t.id = a.tenant_id" \
	" WHERE " FILTER_ID("a.program_id", "$1") " AND " FILTER_ID("a.vendor_id", "$2") \
	"   AND " FILTER_ID("a.site_id", "$3") " AND " FILTER_ID("a.tenant_id", "$4") \
	"   AND ($5::asset_status IS NULL OR a.status = $5::asset_status)" \
	" ORDER BY a.id"

/* $1 site, $2 tenant, $3 status, $4 from, $5 to: allocations that overlap
 * the period, by site and then by tenant. */
#define ALLOCATIONS \
	"SELECT s.name, s.region, r.name, t.name, t.kind, x.id, x.purpose, x.starts_on," \
	"       x.ends_on, x.status, h.now, h.ever, h.watts, seoul_text(x.created_at)," \
	"       seoul_text(x.ended_at), x.end_reason" \
	"  FROM allocations x JOIN sites s ON s.id = x.site_id" \
	"  JOIN organizations t ON t.id = x.tenant_id LEFT JOIN racks r ON r.id = x.rack_id," \
	"  LATERAL (SELECT count(*) FILTER (WHERE aa.removed_at IS NULL) AS now, count(*) AS ever," \
	"                  coalesce(sum(m.tdp_watts) FILTER (WHERE aa.removed_at IS NULL), 0)" \
	"                    AS watts" \
	"             FROM allocation_assets aa JOIN assets a ON a.id = aa.asset_id" \
	"             JOIN gpu_models m ON m.id = a.gpu_model_id" \
	"            WHERE aa.allocation_id = x.id) h" \
	" WHERE " FILTER_ID("x.site_id", "$1") " AND " FILTER_ID("x.tenant_id", "$2") \
	"   AND ($3::allocation_status IS NULL OR x.status = $3::allocation_status)" \
	"   AND ($4::date IS NULL OR x.ends_on IS NULL OR x.ends_on >= $4::date)" \
	"   AND ($5::date IS NULL OR x.starts_on <= $5::date)" \
	" ORDER BY s.name, t.name, x.id"

/* $1 site: each site's capacity and what takes it now (asset_placements,
 * the view the capacity checks count). */
#define UTILISATION \
	"SELECT s.id, s.name, s.region, o.name, s.active, s.gpu_slot_capacity, u.n," \
	"       s.gpu_slot_capacity - u.n, round(100.0 * u.n / s.gpu_slot_capacity, 1)," \
	"       s.power_capacity_kw, round(u.w / 1000.0, 1)," \
	"       round(u.w / 10.0 / s.power_capacity_kw, 1), u.in_service, u.tenants" \
	"  FROM sites s JOIN organizations o ON o.id = s.operator_id," \
	"  LATERAL (SELECT count(*) AS n, coalesce(sum(tdp_watts), 0) AS w," \
	"                  count(*) FILTER (WHERE status = 'in_service') AS in_service," \
	"                  count(DISTINCT tenant_id) AS tenants" \
	"             FROM asset_placements p WHERE p.site_id = s.id) u" \
	" WHERE " FILTER_ID("s.id", "$1") \
	" ORDER BY s.name"

/* The end of a milestone's due day in Seoul. */
#define CUTOFF "((m.due_on + 1)::timestamp AT TIME ZONE 'Asia/Seoul')"

/* $1 programme: one row a milestone (or one for a programme without),
 * with the programme's money: committed is every approved order's total
 * in won, paid the payments in won, remaining the budget less committed. */
#define PROGRESS \
	"WITH po AS (SELECT o.*, krw_of((SELECT sum(l.quantity::bigint * l.unit_price)::bigint" \
	"                 FROM purchase_order_lines l WHERE l.purchase_order_id = o.id)," \
	"                 o.currency, o.exchange_rate) AS total_krw" \
	"              FROM purchase_orders o WHERE " FILTER_ID("o.program_id", "$1") ")," \
	" money AS (SELECT g.id, coalesce(sum(po.total_krw) FILTER (WHERE po.status NOT IN" \
	"              ('draft', 'submitted', 'cancelled')), 0) AS committed," \
	"              (SELECT coalesce(sum(y.amount_krw), 0) FROM payments y" \
	"                 JOIN purchase_orders q ON q.id = y.purchase_order_id" \
	"                WHERE q.program_id = g.id) AS paid" \
	"             FROM programs g LEFT JOIN po ON po.program_id = g.id GROUP BY g.id)," \
	" units AS (SELECT o.program_id, u.result, u.inspected_at FROM delivery_units u" \
	"             JOIN deliveries d ON d.id = u.delivery_id" \
	"             JOIN po o ON o.id = d.purchase_order_id)" \
	" SELECT g.id, g.name, g.starts_on, g.ends_on, g.budget_krw, money.committed, money.paid," \
	"        g.budget_krw - money.committed, m.due_on, m.label, m.gpu_target," \
	"        (SELECT coalesce(sum(l.quantity), 0) FROM purchase_order_lines l" \
	"           JOIN po o ON o.id = l.purchase_order_id WHERE o.program_id = g.id" \
	"            AND o.ordered_at < " CUTOFF ")," \
	"        (SELECT count(*) FROM units WHERE units.program_id = g.id" \
	"            AND result = 'passed' AND inspected_at < " CUTOFF ")," \
	"        greatest(m.gpu_target - (SELECT count(*) FROM units WHERE units.program_id = g.id" \
	"            AND result = 'passed' AND inspected_at < " CUTOFF "), 0)," \
	"        (SELECT count(*) FROM assets a WHERE a.program_id = g.id" \
	"            AND a.status = 'in_service')" \
	"   FROM programs g JOIN money ON money.id = g.id" \
	"   LEFT JOIN program_milestones m ON m.program_id = g.id" \
	"  WHERE " FILTER_ID("g.id", "$1") \
	"  ORDER BY g.id, m.due_on"

/* $1 call: the letters of intent (each version, with its consortium
 * members), the briefing's attendees, the guideline downloads, the sealed
 * proposals as hashes only (each version's receipt hash, the blob's size
 * and hash), the set frozen at the deadline (its Merkle root), who gave a
 * passphrase to the opening and what the opening found for each proposal;
 * then a marked line where scores and the award will go (the registry does
 * not record them yet). Never a proposal's content. */
#define CALL_FROM(t, alias) \
	"   FROM " t " " alias " JOIN calls c ON c.id = " alias ".call_id" \
	"  WHERE " FILTER_ID("c.id", "$1")
#define CALL \
	"SELECT call_id, title, section, ref, org, person, detail, members, at, n FROM (" \
	" SELECT c.id AS call_id, c.title_ko AS title, 'letter' AS section, l.reference AS ref," \
	"        o.name AS org, v.contact->>'name' AS person, v.action || ' v' || v.version AS detail," \
	"        (SELECT string_agg(concat_ws(' / ', mb->>'role', mb->>'name'," \
	"                 mb->>'registration_number', mb->>'country'), '; ')" \
	"           FROM jsonb_array_elements(v.members) mb) AS members," \
	"        seoul_text(v.received_at) AS at, v.id AS n, 1 AS k" \
	"   FROM letter_versions v JOIN letters l ON l.id = v.letter_id" \
	"   JOIN calls c ON c.id = l.call_id JOIN organizations o ON o.id = l.organization_id" \
	"  WHERE " FILTER_ID("c.id", "$1") \
	" UNION ALL" \
	" SELECT c.id, c.title_ko, 'briefing_attendee', NULL," \
	"        (SELECT name FROM organizations WHERE id = b.organization_id), b.name, b.title, NULL," \
	"        seoul_text(b.registered_at), b.id, 2" CALL_FROM("briefing_attendees", "b") \
	" UNION ALL" \
	" SELECT c.id, c.title_ko, 'guideline_download'," \
	"        'v' || (SELECT version FROM guideline_versions WHERE id = g.guideline_version_id)," \
	"        (SELECT name FROM organizations WHERE id = g.organization_id)," \
	"        (SELECT " PERSON("us") " FROM users us WHERE us.id = g.user_id), NULL, NULL," \
	"        seoul_text(g.at), g.id, 3" CALL_FROM("guideline_downloads", "g") \
	" UNION ALL" \
	" SELECT c.id, c.title_ko, 'proposal_' || s.action," \
	"        (SELECT encode(r.sha256, 'hex') FROM proposal_receipts r WHERE r.submission_id = s.id)," \
	"        (SELECT name FROM organizations WHERE id = s.organization_id), NULL," \
	"        'v' || s.version || coalesce(', ' || s.size || ' bytes sealed, sha256 '" \
	"          || encode(s.sha256, 'hex'), ''), NULL, seoul_text(s.received_at), s.id, 4" \
	        CALL_FROM("proposal_submissions", "s") \
	" UNION ALL" \
	" SELECT c.id, c.title_ko, 'proposals_frozen', encode(x.root, 'hex'), NULL, NULL," \
	"        x.size || ' proposals under this Merkle root', NULL, seoul_text(x.frozen_at), x.id, 5" \
	        CALL_FROM("proposal_checkpoints", "x") \
	" UNION ALL" \
	" SELECT c.id, c.title_ko, 'opening_officer', NULL, NULL," \
	"        (SELECT " PERSON("us") " FROM users us WHERE us.id = f.user_id), 'gave a passphrase'," \
	"        NULL, seoul_text(f.given_at), f.id, 6" CALL_FROM("call_opening_officers", "f") \
	" UNION ALL" \
	" SELECT c.id, c.title_ko, 'opening_result', encode(t.plaintext_sha256, 'hex')," \
	"        (SELECT o.name FROM proposal_submissions s JOIN organizations o" \
	"           ON o.id = s.organization_id WHERE s.id = t.submission_id), NULL," \
	"        t.result || coalesce(', ' || t.plaintext_size || ' bytes', ''), NULL," \
	"        seoul_text(c.opened_at), t.id, 7" CALL_FROM("proposal_opening_results", "t") \
	" UNION ALL" \
	/* Totals and ranks only once the evaluation is complete: until then \
	 * even staff do not see partial scores. */ \
	" SELECT c.id, c.title_ko, 'ranking', 'rank ' || r.rank || ' of ' || r.ranked," \
	"        (SELECT name FROM organizations WHERE id = r.organization_id), NULL," \
	"        'weighted total ' || r.total || ' of 100', NULL, NULL, r.rank, 8" \
	"   FROM evaluation_ranking r JOIN calls c ON c.id = r.call_id" \
	"  WHERE c.evaluated_at IS NOT NULL AND " FILTER_ID("c.id", "$1") \
	" UNION ALL" \
	" SELECT c.id, c.title_ko, 'award', NULL," \
	"        (SELECT name FROM organizations WHERE id = a.organization_id)," \
	"        (SELECT " PERSON("us") " FROM users us WHERE us.id = a.awarded_by), a.reason, NULL," \
	"        seoul_text(a.awarded_at), a.id, 9" CALL_FROM("call_awards", "a") \
	") x ORDER BY call_id, k, at, n"

/* $1 from, $2 to, $3 table, $4 actor. The leaf index is the event's place
 * in the verifiable log (docs/audit.md); empty until the sequencer gives
 * it one, within a second. */
#define AUDIT_TRAIL \
	"SELECT e.id, t.idx, seoul_text(e.at), e.actor_user_id, u.email, e.actor_org_id," \
	"       array_to_string(e.actor_roles, ' '), e.channel, e.request_id, host(e.client_addr)," \
	"       e.table_name, e.record_id, e.action, e.before::text, e.after::text" \
	"  FROM audit_events e LEFT JOIN users u ON u.id = e.actor_user_id" \
	"  LEFT JOIN audit_tree t ON t.level = 0 AND t.event_id = e.id" \
	" WHERE " IN_PERIOD("e.at", "$1", "$2") \
	"   AND ($3::text IS NULL OR e.table_name = $3::text)" \
	"   AND " FILTER_ID("e.actor_user_id", "$4") \
	" ORDER BY e.id"

const struct db_stmt db_reports_stmts[] = {
	{ "report_purchase_orders", PURCHASE_ORDERS, 5 },
	{ "report_deliveries", DELIVERIES, 6 },
	{ "report_assets", ASSETS, 6 },
	{ "report_allocations", ALLOCATIONS, 5 },
	{ "report_site_utilization", UTILISATION, 1 },
	{ "report_program_progress", PROGRESS, 1 },
	{ "report_call", CALL, 1 },
	{ "report_audit_trail", AUDIT_TRAIL, 4 },
	{ NULL, NULL, 0 }
};
