-- A supervision order's request id is its caller's, like every other request
-- id (request_ids, keyed by subject and method): two callers using the same
-- id no longer collide, nor does one get the other's order. The orders made
-- before keep their request id for display, and their claims are recorded
-- so that a retry of one after the upgrade is answered, never doubled (its
-- request fingerprint is unknown: ALREADY_EXISTS rather than a second order).
ALTER TABLE supervision_orders DROP CONSTRAINT supervision_orders_request_id_key;

INSERT INTO request_ids (subject, method, request_id, request_sha256, resource)
SELECT created_by, 'CreateSupervisionOrder', request_id, '', order_id
FROM supervision_orders WHERE request_id IS NOT NULL
ON CONFLICT DO NOTHING;
