-- audit_leaf_field() framed one field of an event's Merkle leaf; since
-- sql/0020 builds the whole leaf in one expression, nothing calls it. A
-- function left behind is one more thing an auditor must read to know
-- how a leaf is made.
DROP FUNCTION audit_leaf_field(text);
