-- Documents (文书) the office issues on a case's steps. Their wording lives
-- here, as data: an office edits a template with an UPDATE, no rebuild.
-- {{name}} is filled from the case's facts when the document is issued;
-- {{petitioner}} stays in the stored text and is filled on each read, with
-- the petitioners' names opened or masked as the reader may see them (no
-- name is ever stored in the clear).
CREATE TABLE document_templates (
  template_id text PRIMARY KEY,
  kind text NOT NULL,
  title text NOT NULL,
  body text NOT NULL
);

INSERT INTO document_templates (template_id, kind, title, body) VALUES
('ACCEPTANCE_NOTICE', 'ACCEPTANCE_NOTICE', '信访事项受理告知书',
 E'{{petitioner}}：\n　　您（们）于{{received_date}}反映的“{{subject}}”问题，经审查，符合《信访工作条例》规定的受理条件，本机关决定予以受理，并已交由{{handling_units}}办理。有权处理的机关将自受理之日起按规定期限出具处理意见。\n　　您可凭查询码{{query_code}}查询办理进展。\n\n{{office}}\n{{date}}'),
('NON_ACCEPTANCE_NOTICE', 'NON_ACCEPTANCE_NOTICE', '信访事项不予受理告知书',
 E'{{petitioner}}：\n　　您（们）于{{received_date}}反映的“{{subject}}”问题，经审查，{{reason}}。该事项应当通过{{route}}途径解决，依照《信访工作条例》的规定，本机关不予受理。请您向{{authority}}提出。\n\n{{office}}\n{{date}}'),
('ASSIGNMENT_NOTICE', 'ASSIGNMENT_NOTICE', '信访事项交办通知书',
 E'{{recipient}}：\n　　现将信访事项“{{subject}}”（查询码{{query_code}}，{{received_date}}受理登记）交由你单位办理。办理类别：{{complexity}}；包案领导：{{leader}}。请依法调查核实，在规定期限内提出处理意见报本机关。\n\n{{office}}\n{{date}}'),
('ASSIGNMENT_NOTICE_PETITIONER', 'ASSIGNMENT_NOTICE', '信访事项交办告知书',
 E'{{petitioner}}：\n　　您（们）反映的“{{subject}}”问题，本机关已交由{{handling_units}}办理，请您配合调查核实。\n\n{{office}}\n{{date}}'),
('HANDLING_OPINION', 'HANDLING_OPINION', '信访事项处理意见书',
 E'{{petitioner}}：\n　　您（们）反映的“{{subject}}”问题，经{{unit}}调查核实，现答复如下：\n　　一、查明的事实：{{facts}}\n　　二、处理依据：{{basis}}\n　　三、处理意见：{{decision}}（{{outcome}}）\n　　如对本处理意见不服，可以自收到本意见书之日起30日内向原办理机关的上一级机关请求复查。\n\n{{office}}\n{{date}}'),
('EXTENSION_NOTICE', 'EXTENSION_NOTICE', '信访事项延期办理告知书',
 E'{{petitioner}}：\n　　您（们）反映的“{{subject}}”问题，因情况复杂，经批准，办理期限延长{{days}}日，延长后的办理期限至{{new_due_date}}。延期理由：{{reason}}。\n\n{{office}}\n{{date}}');

-- Numbers (<township abbreviation>信〔year〕N号) run per year without gaps:
-- the counter row is updated in the transaction that issues the document,
-- so concurrent issues wait for each other and a rollback returns the number.
CREATE TABLE document_counters (
  year integer PRIMARY KEY,
  last integer NOT NULL
);

CREATE TABLE documents (
  document_id text PRIMARY KEY,
  case_id text NOT NULL REFERENCES cases (case_id) ON DELETE CASCADE,
  kind text NOT NULL,
  year integer NOT NULL,
  serial integer NOT NULL,
  number text NOT NULL,
  issued_at timestamptz NOT NULL DEFAULT now(),
  recipient text NOT NULL,
  title text NOT NULL,
  text text NOT NULL,
  UNIQUE (year, serial)
);
CREATE INDEX documents_case ON documents (case_id, issued_at, serial);

-- Supervision's events applied here, by id: a redelivery is a no-op.
CREATE TABLE applied_supervision_events (
  event_id text PRIMARY KEY,
  case_id text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);
