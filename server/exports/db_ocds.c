/* db_ocds.c -- the open data: an OCDS 1.1 release package, and the
 * programmes' public progress, built by PostgreSQL as JSON.
 *
 * One contracting process per published call (a tender: its periods,
 * guideline documents and, once the set of sealed proposals is frozen at
 * the deadline, the number of tenderers) and per purchase order from its approval on (an
 * award to the vendor, and the order as its contract: items by GPU model
 * with unit values in won, deliveries as milestones of type delivery,
 * payments as transactions). One release each, its id the ocid and the
 * record's version, so every (ocid, id) pair is unique. Only what is
 * public goes out: organisations, never people; no draft or unapproved
 * order; no letter, proposal or score; no value of an order whose prices
 * are marked confidential. Empty members are left out (jsonb_strip_nulls),
 * as OCDS asks. */
#include "exports/db_ocds.h"

#include "db/db_stmts.h"

/* Whole won as an OCDS Value, or NULL (left out) when confidential. */
#define KRW(x) \
	"CASE WHEN p.prices_confidential THEN NULL" \
	" ELSE jsonb_build_object('amount', " x ", 'currency', 'KRW') END"
#define ORG(alias) "jsonb_build_object('id', 'org-' || " alias ".id, 'name', " alias ".name)"
#define PO_TOTAL_KRW \
	"krw_of((SELECT sum(l.quantity::bigint * l.unit_price) FROM purchase_order_lines l" \
	" WHERE l.purchase_order_id = p.id)::bigint, p.currency, p.exchange_rate)"

#define PO_ITEMS \
	"(SELECT jsonb_agg(jsonb_build_object('id', l.id::text," \
	"   'description', m.manufacturer || ' ' || m.model," \
	"   'classification', jsonb_build_object('scheme', 'x_gpu_model', 'id', m.id::text," \
	"       'description', m.manufacturer || ' ' || m.model)," \
	"   'quantity', l.quantity, 'unit', jsonb_build_object('name', 'GPU', 'value', " \
	    KRW("krw_of(l.unit_price, p.currency, p.exchange_rate)") ")) ORDER BY l.id)" \
	"  FROM purchase_order_lines l JOIN gpu_models m ON m.id = l.gpu_model_id" \
	" WHERE l.purchase_order_id = p.id)"

#define PO_MILESTONES \
	"(SELECT jsonb_agg(jsonb_build_object('id', 'delivery-' || d.id, 'type', 'delivery'," \
	"   'title', coalesce(d.reference, 'delivery ' || d.id)," \
	"   'status', CASE WHEN d.status = 'inspected' THEN 'met' ELSE 'scheduled' END," \
	"   'dateMet', seoul_text(d.inspected_at), 'dateModified', seoul_text(d.updated_at))" \
	"   ORDER BY d.id) FROM deliveries d WHERE d.purchase_order_id = p.id)"

#define PO_TRANSACTIONS \
	"(SELECT jsonb_agg(jsonb_build_object('id', 'payment-' || y.id," \
	"   'date', seoul_text(y.paid_on::timestamp AT TIME ZONE 'Asia/Seoul')," \
	"   'value', " KRW("y.amount_krw") ", 'payer', " ORG("b") ", 'payee', " ORG("v") ")" \
	"   ORDER BY y.id) FROM payments y WHERE y.purchase_order_id = p.id)"

/* $1 programme, $2 call, $3 ocid prefix. */
#define PO_RELEASES \
	"SELECT p.id AS n, 2 AS kind, jsonb_strip_nulls(jsonb_build_object(" \
	"  'ocid', $3 || '-po-' || p.id, 'id', $3 || '-po-' || p.id || '-v' || p.version," \
	"  'date', seoul_text(p.updated_at), 'initiationType', 'tender', 'language', 'ko'," \
	"  'tag', CASE WHEN EXISTS (SELECT 1 FROM deliveries d WHERE d.purchase_order_id = p.id)" \
	"              OR EXISTS (SELECT 1 FROM payments y WHERE y.purchase_order_id = p.id)" \
	"         THEN '[\"award\", \"contract\", \"implementation\"]'::jsonb" \
	"         ELSE '[\"award\", \"contract\"]'::jsonb END," \
	"  'parties', jsonb_build_array(" ORG("b") " || '{\"roles\": [\"buyer\"]}'," \
	"                               " ORG("v") " || '{\"roles\": [\"supplier\"]}')," \
	"  'buyer', " ORG("b") "," \
	"  'awards', jsonb_build_array(jsonb_build_object('id', 'award-' || p.id," \
	"      'title', p.reference, 'date', seoul_text(p.approved_at)," \
	"      'status', CASE WHEN p.status = 'cancelled' THEN 'cancelled' ELSE 'active' END," \
	"      'value', " KRW(PO_TOTAL_KRW) ", 'suppliers', jsonb_build_array(" ORG("v") ")))," \
	"  'contracts', jsonb_build_array(jsonb_build_object('id', 'contract-' || p.id," \
	"      'awardID', 'award-' || p.id, 'title', p.reference," \
	"      'description', g.name, 'dateSigned', seoul_text(p.ordered_at)," \
	"      'status', CASE p.status WHEN 'approved' THEN 'pending' WHEN 'cancelled' THEN 'cancelled'" \
	"                WHEN 'closed' THEN 'terminated' ELSE 'active' END," \
	"      'value', " KRW(PO_TOTAL_KRW) ", 'items', " PO_ITEMS "," \
	"      'implementation', jsonb_build_object('milestones', " PO_MILESTONES "," \
	"          'transactions', " PO_TRANSACTIONS "))))) AS release" \
	"  FROM purchase_orders p JOIN programs g ON g.id = p.program_id" \
	"  JOIN organizations v ON v.id = p.vendor_id" \
	"  JOIN users cu ON cu.id = p.created_by JOIN organizations b ON b.id = cu.organization_id" \
	" WHERE p.approved_at IS NOT NULL" \
	"   AND ($2::bigint IS NULL OR $1::bigint IS NOT NULL)" \
	"   AND ($1::bigint IS NULL OR p.program_id = $1::bigint)"

#define CALL_DOCUMENTS \
	"(SELECT jsonb_agg(jsonb_build_object('id', 'guidelines-v' || gv.version," \
	"   'documentType', 'biddingDocuments', 'title', '공모지침서 v' || gv.version," \
	"   'description', gv.note, 'format', 'application/pdf', 'language', 'ko'," \
	"   'datePublished', seoul_text(greatest(gv.uploaded_at, c.guidelines_release_at)))" \
	"   ORDER BY gv.version) FROM guideline_versions gv WHERE gv.call_id = c.id)"

#define CALL_RELEASES \
	"SELECT c.id AS n, 1 AS kind, jsonb_strip_nulls(jsonb_build_object(" \
	"  'ocid', $3 || '-call-' || c.id, 'id', $3 || '-call-' || c.id || '-v' || c.version," \
	"  'date', seoul_text(c.updated_at), 'initiationType', 'tender', 'language', 'ko'," \
	"  'tag', CASE WHEN c.cancelled_at IS NOT NULL THEN '[\"tenderCancellation\"]'::jsonb" \
	"         ELSE '[\"tender\"]'::jsonb END," \
	"  'parties', jsonb_build_array(" ORG("b") " || '{\"roles\": [\"buyer\", \"procuringEntity\"]}')," \
	"  'buyer', " ORG("b") "," \
	"  'tender', jsonb_build_object('id', 'call-' || c.id, 'title', c.title_ko," \
	"      'description', c.description_ko, 'procurementMethod', 'open'," \
	"      'procuringEntity', " ORG("b") "," \
	"      'status', CASE WHEN c.cancelled_at IS NOT NULL THEN 'cancelled'" \
	"                     WHEN c.awarded_at IS NOT NULL THEN 'complete' ELSE 'active' END," \
	"      'tenderPeriod', jsonb_build_object('startDate', seoul_text(c.guidelines_release_at)," \
	"          'endDate', seoul_text(c.proposal_deadline))," \
	"      'enquiryPeriod', jsonb_build_object('startDate', seoul_text(c.briefing_at)," \
	"          'endDate', seoul_text(c.loi_deadline))," \
	"      'awardPeriod', jsonb_build_object('startDate', seoul_text(c.opening_at)," \
	"          'endDate', seoul_text(c.evaluation_ends_at))," \
	"      'numberOfTenderers', (SELECT x.size FROM proposal_checkpoints x" \
	"                             WHERE x.call_id = c.id)," \
	"      'documents', " CALL_DOCUMENTS "))) AS release" \
	"  FROM calls c JOIN organizations b ON b.id = c.organization_id" \
	" WHERE c.published_at IS NOT NULL" \
	"   AND ($1::bigint IS NULL OR $2::bigint IS NOT NULL)" \
	"   AND ($2::bigint IS NULL OR c.id = $2::bigint)"

/* $1 programme, $2 call, $3 prefix, $4 the package's uri, $5 publisher. */
#define PACKAGE \
	"WITH r AS (" CALL_RELEASES " UNION ALL " PO_RELEASES ")" \
	" SELECT jsonb_build_object('uri', $4::text, 'version', '1.1'," \
	"   'publishedDate', seoul_text(now()), 'publisher', jsonb_build_object('name', $5::text)," \
	"   'releases', coalesce((SELECT jsonb_agg(release ORDER BY kind, n) FROM r), '[]'))::text"

/* Each programme against its targets: GPUs ordered, accepted, in service,
 * and the money committed and paid, in won. */
#define PROGRESS \
	"SELECT coalesce(jsonb_agg(jsonb_build_object('program_id', g.id, 'name', g.name," \
	"   'starts_on', g.starts_on, 'ends_on', g.ends_on, 'budget_krw', g.budget_krw," \
	"   'committed_krw', x.committed, 'paid_krw', x.paid," \
	"   'gpu_target', (SELECT max(m.gpu_target) FROM program_milestones m" \
	"                   WHERE m.program_id = g.id)," \
	"   'gpus_ordered', x.ordered, 'gpus_accepted', x.accepted, 'gpus_in_service', x.in_service," \
	"   'milestones', coalesce((SELECT jsonb_agg(jsonb_build_object('due_on', m.due_on," \
	"       'label', m.label, 'gpu_target', m.gpu_target) ORDER BY m.due_on)" \
	"       FROM program_milestones m WHERE m.program_id = g.id), '[]'))" \
	"   ORDER BY g.id), '[]')::text" \
	"  FROM programs g, LATERAL (SELECT" \
	"   (SELECT coalesce(sum(krw_of((SELECT sum(l.quantity::bigint * l.unit_price)" \
	"       FROM purchase_order_lines l WHERE l.purchase_order_id = p.id)::bigint," \
	"       p.currency, p.exchange_rate)), 0)::bigint FROM purchase_orders p" \
	"     WHERE p.program_id = g.id AND p.status NOT IN ('draft', 'submitted', 'cancelled'))" \
	"     AS committed," \
	"   (SELECT coalesce(sum(y.amount_krw), 0)::bigint FROM payments y" \
	"      JOIN purchase_orders p ON p.id = y.purchase_order_id WHERE p.program_id = g.id)" \
	"     AS paid," \
	"   (SELECT coalesce(sum(l.quantity), 0)::bigint FROM purchase_order_lines l" \
	"      JOIN purchase_orders p ON p.id = l.purchase_order_id WHERE p.program_id = g.id" \
	"       AND p.status IN ('ordered', 'partially_delivered', 'delivered', 'closed'))" \
	"     AS ordered," \
	"   (SELECT count(*) FROM assets a WHERE a.program_id = g.id) AS accepted," \
	"   (SELECT count(*) FROM assets a WHERE a.program_id = g.id" \
	"       AND a.status = 'in_service') AS in_service) x"

const struct db_stmt db_ocds_stmts[] = {
	{ "ocds_package", PACKAGE, 5 },
	{ "public_progress", PROGRESS, 0 },
	{ NULL, NULL, 0 }
};

int
db_ocds_package(struct db *db, const char *program_id, const char *call_id,
    const char *prefix, const char *uri, const char *publisher, json_t **out)
{
	return db_json_one(db, "ocds_package", DB_PARAMS(DB_STR(program_id), DB_STR(call_id),
	    DB_STR(prefix), DB_STR(uri), DB_STR(publisher)), out);
}

int
db_ocds_progress(struct db *db, json_t **out)
{
	return db_json_one(db, "public_progress", DB_NO_PARAMS, out);
}
