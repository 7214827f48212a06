import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'

/**
 * Timestamps are ISO-8601 UTC strings (Date#toISOString) and dates are 'YYYY-MM-DD',
 * so they sort as text and read the same from SQLite and PostgreSQL.
 * Booleans are 0/1 integers for the same reason.
 */
type Timestamp = string
type Flag = ColumnType<number, number | undefined, number>

/** Issue 15 §5: a request made for someone else (src/intake/on-behalf.ts); null: about the requester. */
interface OnBehalfColumns {
  on_behalf_kind: ColumnType<string | null, string | null | undefined, string | null>
  subject_name: ColumnType<string | null, string | null | undefined, string | null>
  subject_email: ColumnType<string | null, string | null | undefined, string | null>
  /** The representative's proof of authority: a path under DATA_DIR/proofs, its shown name and type. */
  proof_file: ColumnType<string | null, string | null | undefined, string | null>
  proof_name: ColumnType<string | null, string | null | undefined, string | null>
  proof_type: ColumnType<string | null, string | null | undefined, string | null>
}

export interface SubmissionTable extends OnBehalfColumns {
  id: Generated<number>
  type: string
  email: string
  email_key: string
  name: string | null
  relationship: string | null
  consent_kind: string | null
  details: string | null
  incorrect_value: string | null
  correct_value: string | null
  lang: string
  channel: string
  status: string // pending | verified | duplicate (of a confirmed one) | discarded ("this wasn't me")
  keep_data: Flag
  created_at: Timestamp
  updated_at: Timestamp
  verified_at: Timestamp | null
  case_id: number | null
}

export interface VerificationTokenTable {
  id: Generated<number>
  submission_id: number
  token_hash: string
  expires_at: Timestamp
  used_at: Timestamp | null
  created_at: Timestamp
}

export interface CaseTable extends OnBehalfColumns {
  id: Generated<number>
  reference: string
  type: string
  status: string
  email: string
  email_key: string
  name: string | null
  relationship: string | null
  consent_kind: string | null
  details: string | null
  incorrect_value: string | null
  correct_value: string | null
  lang: string
  channel: string
  received_at: Timestamp
  verified_at: Timestamp | null
  due_date: string
  assignee_id: number | null
  extended: Flag
  extension_reason: string | null
  closed_at: Timestamp | null
  created_at: Timestamp
  updated_at: Timestamp
  /** The team whose queue holds the case (src/routing). */
  team_id: ColumnType<number | null, number | null | undefined, number | null>
  /** JSON {ruleId, rule, reason}: which routing rule put the case where it is, and why. */
  routed_by: ColumnType<string | null, string | null | undefined, string | null>
  escalated_at: ColumnType<Timestamp | null, Timestamp | null | undefined, Timestamp | null>
  escalation_reason: ColumnType<string | null, string | null | undefined, string | null>
  /** Held on behalf of a client (Xtractor is only the processor); the client is the controller. */
  on_behalf_of_client: Flag
  controller_name: ColumnType<string | null, string | null | undefined, string | null>
  controller_email: ColumnType<string | null, string | null | undefined, string | null>
  /** The person consented to keeping their data after a question is answered. */
  keep_data: Flag
  minimised_at: ColumnType<Timestamp | null, Timestamp | null | undefined, Timestamp | null>
  /** The reason of a rejection or an Art. 12(5) refusal, as sent to the requester (Art. 12(4)). */
  refusal_reason: ColumnType<string | null, string | null | undefined, string | null>
  /** JSON array of case ids an Art. 12(5) refusal relies on. */
  refusal_evidence: ColumnType<string | null, string | null | undefined, string | null>
  /** Completed, but part of the request was refused: the reason sent (Art. 12(4)). */
  partial_refusal_reason: ColumnType<string | null, string | null | undefined, string | null>
  /** When (and by whom) staff checked the representative's authority; registers act only after. */
  authority_checked_at: ColumnType<string | null, string | null | undefined, string | null>
  authority_checked_by: ColumnType<number | null, number | null | undefined, number | null>
}

export interface TeamTable {
  id: Generated<number>
  key: string
  name: string
  is_default: Flag
  is_escalation: Flag
  /** Where this team's neglected cases go; null: the escalation (data-protection) team. */
  escalates_to: number | null
  created_at: Timestamp
  updated_at: Timestamp
}

export interface TeamMemberTable {
  team_id: number
  staff_id: number
}

export interface RoutingRuleTable {
  id: Generated<number>
  position: number
  name: string
  enabled: Flag
  /** JSON RuleConditions (src/routing/rules.ts). */
  conditions: string
  action: string // team | assign | round_robin | fewest_open
  team_id: number | null
  assignee_id: number | null
  last_assignee_id: number | null
  created_at: Timestamp
  updated_at: Timestamp
}

export interface ClientTable {
  id: Generated<number>
  name: string
  name_key: string
  email: string
  created_at: Timestamp
  updated_at: Timestamp
}

export interface CaseEventTable {
  id: Generated<number>
  case_id: number
  kind: string
  actor_type: string // requester | staff | system
  actor_id: number | null
  /** JSON object with the event's particulars. */
  data: string | null
  created_at: Timestamp
}

export interface OutboxTable {
  id: Generated<number>
  message_id: string
  kind: string
  to_address: string
  to_name: string | null
  subject: string
  text_body: string
  html_body: string | null
  /** JSON object of extra headers. */
  headers: string | null
  case_id: number | null
  /** A confirmation email: the hash of the link's token, whose lifetime starts when the email is sent. */
  verify_token_hash: ColumnType<string | null, string | null | undefined, string | null>
  status: string // pending | sending | sent | failed
  attempts: Generated<number>
  next_attempt_at: Timestamp
  locked_until: Timestamp | null
  last_error: string | null
  created_at: Timestamp
  sent_at: Timestamp | null
}

export interface RateEventTable {
  id: Generated<number>
  bucket: string
  key_hash: string
  created_at: Timestamp
}

export interface CounterTable {
  name: string
  value: number
}

export interface StaffTable {
  id: Generated<number>
  email: string
  email_key: string
  name: string
  role: string // admin | handler | viewer
  password_hash: string
  totp_secret: string | null
  totp_enabled: Flag
  /** The last TOTP time step accepted, so a code cannot be replayed. */
  totp_last_step: number | null
  disabled: Flag
  lang: ColumnType<string, string | undefined, string>
  created_at: Timestamp
  updated_at: Timestamp
  last_login_at: Timestamp | null
}

export interface StaffSessionTable {
  /** SHA-256 of the cookie's session id; the id itself is never stored. */
  id_hash: string
  staff_id: number
  mfa_passed: Flag
  created_at: Timestamp
  last_seen_at: Timestamp
  expires_at: Timestamp
}

export interface ApiTokenTable {
  id: Generated<number>
  staff_id: number
  token_hash: string
  name: string | null
  created_at: Timestamp
  last_used_at: Timestamp | null
  revoked_at: Timestamp | null
}

export interface SetupTokenTable {
  id: Generated<number>
  purpose: string
  token_hash: string
  expires_at: Timestamp
  used_at: Timestamp | null
  created_at: Timestamp
}

export interface AuditLogTable {
  id: Generated<number>
  at: Timestamp
  actor_type: string // staff | system | requester | cli
  actor_id: number | null
  action: string
  case_id: number | null
  target: string | null
  /** JSON object; never holds the requester's free text. */
  data: string | null
  prev_hash: string
  hash: string
}

export interface CaseMessageTable {
  id: Generated<number>
  case_id: number
  direction: string // out | in
  body: string
  staff_id: number | null
  template: string | null
  lang: string | null
  created_at: Timestamp
}

export interface CaseAccessTokenTable {
  id: Generated<number>
  case_id: number
  token_hash: string
  created_at: Timestamp
}

export interface CasePauseTable {
  id: Generated<number>
  case_id: number
  /** identity | specify_access (src/cases/pauses.ts); unspecified for pauses from before migration 010. */
  reason: string
  started_at: Timestamp
  ended_at: Timestamp | null
  /** The message to the requester that asked and stopped the clock (null before migration 010). */
  message_id: number | null
}

export interface MessageTemplateTable {
  id: Generated<number>
  key: string
  lang: string
  title: string
  subject: string
  body: string
  updated_at: Timestamp
  updated_by: number | null
}

export interface JobRunTable {
  job: string
  period: string
  started_at: Timestamp
  finished_at: Timestamp | null
  result: string | null
}

export interface NewsletterSubscriberTable {
  id: Generated<number>
  email: string
  /** emailKey(email): how the same address is recognised however it was typed. */
  email_normalized: string
  name: string | null
  phone: string | null
  source: string | null
  subscribed_at: Timestamp
  status: 'subscribed' | 'unsubscribed'
  unsubscribed_at: Timestamp | null
  /** SHA-256 of the unsubscribe token (the token is an HMAC of email_normalized, see src/registers/unsubscribe-token.ts). */
  unsubscribe_token_hash: string
  /** Set when email_normalized was rewritten (migration 008): the key the unsubscribe links already sent derive from. */
  token_key: ColumnType<string | null, string | null | undefined, string | null>
  /** Set while processing is restricted (Art. 18): stored only, never sent to, imported over or erased by retention. */
  restricted_at: ColumnType<string | null, string | null | undefined, string | null>
  created_at: Timestamp
  updated_at: Timestamp
}

export interface CandidateTable {
  id: Generated<number>
  /** Null once the record is erased. */
  email: string | null
  email_normalized: string | null
  /** Keyed hash of email_normalized: kept after erasure to prove the withdrawal. */
  email_hash: string
  name: string | null
  phone: string | null
  /** Relative to DATA_DIR (cvs/...), never inside a served folder. */
  cv_path: string | null
  cv_filename: string | null
  cv_content_type: string | null
  cv_size: number | null
  consent_given_at: Timestamp
  /** consent_given_at + 3 years (the policy's retention for recruitment). */
  consent_expires_at: Timestamp
  status: 'active' | 'withdrawn' | 'expired' | 'erased'
  withdrawn_at: Timestamp | null
  erased_at: Timestamp | null
  /** withdrawn | expired | request */
  erasure_reason: string | null
  /** Set while processing is restricted (Art. 18): stored only, no CV change, no retention erasure. */
  restricted_at: ColumnType<string | null, string | null | undefined, string | null>
  created_at: Timestamp
  updated_at: Timestamp
}

/** The suppression list before it was hashed (migration 016): emptied at start-up into suppression_hashes. */
export interface SuppressionTable {
  email_normalized: string
  /** one_click | unsubscribe_page | request | objection | withdraw_consent | staff */
  reason: string
  case_id: number | null
  created_at: Timestamp
}

/** The suppression list: a keyed hash of each address (src/registers/suppression-hash.ts), never the address. */
export interface SuppressionHashTable {
  /** HMAC-SHA256 (hex) of the normalised address under SUPPRESSION_KEY. */
  email_hash: string
  /** one_click | unsubscribe_page | request | objection | withdraw_consent | staff | erasure | restricted */
  reason: string
  case_id: number | null
  created_at: Timestamp
  /** A deleted subscriber's unsubscribe_token_hash, so the old link still says "already unsubscribed". */
  unsubscribe_token_hash: ColumnType<string | null, string | null | undefined, string | null>
}

export interface CaseRecipientNotificationTable {
  id: Generated<number>
  case_id: number
  /** Whom the Art. 19 row is for (src/registers/recipient-checklist.ts): `system:recipient-name` or a recipient category's key. */
  recipient: string
  status: 'pending' | 'notified' | 'not_notified'
  reason: string | null
  staff_id: number | null
  created_at: Timestamp
  updated_at: Timestamp
}

/** A rectification that changes the requester's address: the new address confirms by its own link. */
export interface AddressChangeTable {
  id: Generated<number>
  case_id: number
  from_email: string
  to_email: string
  to_email_key: string
  token_hash: string
  expires_at: Timestamp
  confirmed_at: Timestamp | null
  declined_at: Timestamp | null
  created_at: Timestamp
}

export interface RectificationProposalTable {
  id: Generated<number>
  case_id: number
  register: 'candidates' | 'newsletter_subscribers'
  record_id: number
  field: 'email' | 'name' | 'phone'
  stored_value: string | null
  proposed_value: string | null
  status: 'pending' | 'applied' | 'rejected'
  decided_by: number | null
  decided_at: Timestamp | null
  created_at: Timestamp
}

/** A closed case reduced to its minimal record by retention. */
export interface CaseMinimisationTable {
  case_id: number
  minimised_at: Timestamp
}

export interface AccessPackageTable {
  id: Generated<number>
  case_id: number
  status: 'compiled' | 'reviewed' | 'sent' | 'deleted'
  lang: string
  /** The compiled PackageDocument as JSON, sealed (src/mail/seal.ts); null once deleted. */
  data: string | null
  record_count: number
  compiled_at: Timestamp
  compiled_by: number | null
  cover_letter: string | null
  reviewed_at: Timestamp | null
  reviewed_by: number | null
  sent_at: Timestamp | null
  sent_by: number | null
  /** sent_at + PACKAGE_RETENTION_DAYS. */
  delete_after: Timestamp | null
  deleted_at: Timestamp | null
  /** Sealed JSON [{description, reason}]: what was left out of the copy and why (Art. 15(4), 12(4)). */
  withheld: ColumnType<string | null, string | null | undefined, string | null>
  downloads: Generated<number>
  created_at: Timestamp
  updated_at: Timestamp
}

export interface AccessPackageFileTable {
  id: Generated<number>
  package_id: number
  /** Relative to DATA_DIR; random, chosen by the server. */
  stored_name: string
  original_name: string
  extension: string
  content_type: string
  size: number
  sha256: string
  uploaded_by: number | null
  created_at: Timestamp
}

export interface AccessPackageCodeTable {
  id: Generated<number>
  package_id: number
  code_hash: string
  expires_at: Timestamp
  attempts: Generated<number>
  used_at: Timestamp | null
  created_at: Timestamp
}

export interface Database {
  submissions: SubmissionTable
  verification_tokens: VerificationTokenTable
  cases: CaseTable
  case_events: CaseEventTable
  outbox: OutboxTable
  rate_events: RateEventTable
  counters: CounterTable
  staff: StaffTable
  staff_sessions: StaffSessionTable
  api_tokens: ApiTokenTable
  setup_tokens: SetupTokenTable
  audit_log: AuditLogTable
  case_messages: CaseMessageTable
  case_pauses: CasePauseTable
  case_access_tokens: CaseAccessTokenTable
  message_templates: MessageTemplateTable
  job_runs: JobRunTable
  newsletter_subscribers: NewsletterSubscriberTable
  candidates: CandidateTable
  suppressions: SuppressionTable
  suppression_hashes: SuppressionHashTable
  case_recipient_notifications: CaseRecipientNotificationTable
  rectification_proposals: RectificationProposalTable
  address_changes: AddressChangeTable
  case_minimisations: CaseMinimisationTable
  access_packages: AccessPackageTable
  access_package_files: AccessPackageFileTable
  access_package_codes: AccessPackageCodeTable
  teams: TeamTable
  team_members: TeamMemberTable
  routing_rules: RoutingRuleTable
  clients: ClientTable
  email_merge_reviews: EmailMergeReviewTable
  recipient_categories: RecipientCategoryTable
  purposes: PurposeTable
  systems: SystemTable
  system_purposes: SystemPurposeTable
  case_tasks: CaseTaskTable
}

/*
 * Issue 19: the data map (src/datamap, migration 015). Texts are JSON {sv, en} and lists are JSON
 * arrays, in text columns; src/datamap/repository.ts reads and writes them.
 */

/** A category of recipients the privacy policy names (conference venues, authorities, …). */
export interface RecipientCategoryTable {
  key: string
  position: number
  name: string
  description: string
  /** 1: named by the policy without a purpose, so it may receive data from any purpose. */
  general: Flag
  note: string | null
  updated_at: Timestamp
}

/** A purpose of processing; `legal_basis` JSON {article, text} or null: undecided. */
export interface PurposeTable {
  id: string
  position: number
  title: string
  description: string
  legal_basis: string | null
  data_categories: string
  data_subjects: string
  retention: string
  source: string
  /** JSON list of the relationships (as chosen in the request form) the purpose applies to. */
  relationships: string
  role: string
  sensitive: Flag
  /** JSON list of recipient_categories keys. */
  recipient_categories: string
  /** For staff only: never shown to the public. */
  note: string | null
  updated_at: Timestamp
}

/** Where personal data is held: kind 'register' for the portal's own registers (seeded, kept). */
export interface SystemTable {
  key: string
  name: string
  kind: string
  owner_team_id: number | null
  data_categories: string
  /** JSON [{name, description}] ({sv, en} each). */
  recipients: string
  /** JSON [{country, safeguard}]: transfers outside the EU/EEA, country as ISO 3166-1 alpha-2. */
  transfers: string
  /** JSON, null for register/other (migration 017): the connection config, secrets sealed under SECRETS_KEY under `sealed`. */
  config: string | null
  created_at: Timestamp
  updated_at: Timestamp
}

export interface SystemPurposeTable {
  system_key: string
  purpose_id: string
}

/** A fulfilment task: one system a case reaches (src/tasks); also its own dispatch entry for the task worker. */
export interface CaseTaskTable {
  id: Generated<number>
  case_id: number
  system_key: string
  /** access | erasure | rectification | restriction */
  action: string
  /** pending | awaiting_approval | running | completed | not_found | failed | waived | cancelled */
  status: string
  approved_by: number | null
  approved_at: Timestamp | null
  /** The change plan's summary the approval was of. */
  plan_summary: string | null
  /** JSON {rows?, records?, message?}. */
  result: string | null
  /** A note from whoever finished it, or a waiver's reason. */
  note: string | null
  /** SHA-256 of the callback / link token. */
  callback_token_hash: string | null
  attempts: Generated<number>
  next_attempt_at: Timestamp | null
  lease_until: Timestamp | null
  last_error: string | null
  reminded_at: Timestamp | null
  created_at: Timestamp
  updated_at: Timestamp
}

export type CaseTask = Selectable<CaseTaskTable>

/** Register rows that became one address when addresses were normalised (migration 008), to merge by hand. */
export interface EmailMergeReviewTable {
  id: Generated<number>
  register: 'newsletter_subscribers' | 'candidates' | 'staff'
  /** The row left as it was. */
  record_id: number
  /** The row that took the normalised address. */
  kept_id: number
  /** The address's domain only: the list is shown and logged without local parts. */
  domain: string
  created_at: Timestamp
}

export type Submission = Selectable<SubmissionTable>
export type NewSubmission = Insertable<SubmissionTable>
export type SubmissionUpdate = Updateable<SubmissionTable>
export type VerificationToken = Selectable<VerificationTokenTable>
export type Case = Selectable<CaseTable>
export type NewCase = Insertable<CaseTable>
export type CaseUpdate = Updateable<CaseTable>
export type CaseEvent = Selectable<CaseEventTable>
export type NewCaseEvent = Insertable<CaseEventTable>
export type OutboxRow = Selectable<OutboxTable>
export type NewOutboxRow = Insertable<OutboxTable>
export type Staff = Selectable<StaffTable>
export type NewStaff = Insertable<StaffTable>
export type StaffUpdate = Updateable<StaffTable>
export type StaffSession = Selectable<StaffSessionTable>
export type ApiToken = Selectable<ApiTokenTable>
export type AuditLogRow = Selectable<AuditLogTable>
export type CaseMessage = Selectable<CaseMessageTable>
export type CasePause = Selectable<CasePauseTable>
export type MessageTemplate = Selectable<MessageTemplateTable>
export type NewsletterSubscriber = Selectable<NewsletterSubscriberTable>
export type NewNewsletterSubscriber = Insertable<NewsletterSubscriberTable>
export type NewsletterSubscriberUpdate = Updateable<NewsletterSubscriberTable>
export type Candidate = Selectable<CandidateTable>
export type NewCandidate = Insertable<CandidateTable>
export type CandidateUpdate = Updateable<CandidateTable>
export type Suppression = Selectable<SuppressionTable>
export type CaseRecipientNotification = Selectable<CaseRecipientNotificationTable>
export type RectificationProposal = Selectable<RectificationProposalTable>
export type AddressChange = Selectable<AddressChangeTable>
export type AccessPackage = Selectable<AccessPackageTable>
export type AccessPackageFile = Selectable<AccessPackageFileTable>
export type AccessPackageCode = Selectable<AccessPackageCodeTable>
export type Team = Selectable<TeamTable>
export type RoutingRuleRow = Selectable<RoutingRuleTable>
export type Client = Selectable<ClientTable>
