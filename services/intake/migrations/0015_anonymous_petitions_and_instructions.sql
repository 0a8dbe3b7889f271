-- At the door: anonymous petitions (匿名信访: no petitioner rows; repeat
-- detection by the text alone) and the receiving leader's instruction
-- (批示) recorded at acceptance and printed on the assignment notice (S3:
-- 按照接访领导指示).
ALTER TABLE cases
  ADD COLUMN anonymous boolean NOT NULL DEFAULT false,
  ADD COLUMN instruction text NOT NULL DEFAULT '';

-- An anonymous case is matched against earlier cases by the similarity of
-- its text, through this index (the pg_trgm % operator), never by scanning
-- every case.
CREATE INDEX cases_text_trgm ON cases
  USING gin ((subject || ' ' || content) public.gin_trgm_ops);

UPDATE document_templates SET body =
 E'{{recipient}}：\n　　现将信访事项“{{subject}}”（查询码{{query_code}}，{{received_date}}受理登记）交由你单位办理。办理类别：{{complexity}}；包案领导：{{leader}}。{{instruction_line}}请依法调查核实，在规定期限内提出处理意见报本机关。\n\n{{office}}\n{{date}}'
WHERE template_id = 'ASSIGNMENT_NOTICE';
