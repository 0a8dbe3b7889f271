-- 送达: the day the written answer reached the petitioner, and how. The
-- review window (A35, 自收到书面答复之日起) counts from delivered_on; NULL
-- until the answer is delivered (and again when the case is answered anew).
ALTER TABLE cases
  ADD COLUMN delivered_on date,
  ADD COLUMN delivery_method text NOT NULL DEFAULT '',
  ADD COLUMN delivery_receipt_number text NOT NULL DEFAULT '';
