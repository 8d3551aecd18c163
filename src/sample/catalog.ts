// Static reference data the sample-tenant generator draws from: the Secure Score control catalogue,
// alert templates per Defender product, and name vocabularies. Control ids and titles follow real
// Microsoft Secure Score controls where known; the rest are plausible look-alikes.

export type Category = 'Identity' | 'Data' | 'Device' | 'Apps' | 'Infrastructure';
export type Level = 'Low' | 'Moderate' | 'High';
export type Threat =
  | 'Account Breach'
  | 'Data Exfiltration'
  | 'Elevation of Privilege'
  | 'Phishing or Whaling'
  | 'Password Cracking'
  | 'Malicious Insider'
  | 'Data Spillage'
  | 'Data Deletion'
  | 'Spoofing';

/** What partial credit is measured over; controls without a unit are all-or-nothing. */
export type ControlUnit = 'users' | 'admins' | 'devices' | 'mailboxes' | 'policies' | 'apps';

export interface CatalogControl {
  id: string;
  title: string;
  category: Category;
  service: string;
  tier: 'Core' | 'Defense in Depth' | 'Advanced';
  actionType: 'Config' | 'Review' | 'Behavior' | 'Provider';
  userImpact: Level;
  implementationCost: Level;
  rank: number;
  maxScore: number;
  threats: Threat[];
  remediation: string;
  remediationImpact: string;
  actionUrl: string;
  unit?: ControlUnit;
  deprecated?: boolean;
}

const ENTRA_CA = 'https://entra.microsoft.com/#view/Microsoft_AAD_ConditionalAccess/ConditionalAccessBlade/~/Policies';
const ENTRA_ROLES = 'https://entra.microsoft.com/#view/Microsoft_AAD_IAM/RolesManagementMenuBlade/~/AllRoles';
const ENTRA_IDP = 'https://entra.microsoft.com/#view/Microsoft_AAD_IAM/IdentityProtectionMenuBlade/~/Overview';
const ENTRA_CONSENT = 'https://entra.microsoft.com/#view/Microsoft_AAD_IAM/ConsentPoliciesMenuBlade/~/UserSettings';
const ENTRA_AUTH_METHODS = 'https://entra.microsoft.com/#view/Microsoft_AAD_IAM/AuthenticationMethodsMenuBlade/~/PasswordProtection';
const MDI_HEALTH = 'https://security.microsoft.com/securescore?viewid=actions&filter=product:MDI';
const PURVIEW = 'https://purview.microsoft.com';
const MDO = 'https://security.microsoft.com';
const EXO_ADMIN = 'https://admin.exchange.microsoft.com';
const SPO_ADMIN = 'https://admin.microsoft.com/sharepoint?page=accessControl&modern=true';
const TEAMS_MEETINGS = 'https://admin.teams.microsoft.com/policies/meetings';
const MDE_RECS = 'https://security.microsoft.com/security-recommendations';
const INTUNE_COMPLIANCE = 'https://intune.microsoft.com/#view/Microsoft_Intune_DeviceSettings/DevicesComplianceMenu/~/policies';
const MDCA = 'https://security.microsoft.com/cloudapps';
const MDC = 'https://portal.azure.com/#view/Microsoft_Azure_Security/SecurityMenuBlade/~/Recommendations';

export const CONTROL_CATALOG: readonly CatalogControl[] = [
  // ---- Identity ----------------------------------------------------------------------------
  {
    id: 'AdminMFAV2', title: 'Ensure multifactor authentication is enabled for all users in administrative roles',
    category: 'Identity', service: 'AzureAD', tier: 'Core', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 1, maxScore: 10, threats: ['Account Breach', 'Elevation of Privilege', 'Password Cracking'], unit: 'admins',
    remediation: 'Create a Conditional Access policy that requires <b>multifactor authentication</b> for all directory roles with administrative permissions.',
    remediationImpact: 'Administrators are prompted for a second factor at sign-in.',
    actionUrl: ENTRA_CA,
  },
  {
    id: 'MFARegistrationV2', title: 'Ensure multifactor authentication is enabled for all users',
    category: 'Identity', service: 'AzureAD', tier: 'Core', actionType: 'Config', userImpact: 'Moderate', implementationCost: 'Moderate',
    rank: 2, maxScore: 9, threats: ['Account Breach', 'Password Cracking', 'Phishing or Whaling'], unit: 'users',
    remediation: 'Require every user to register for and use multifactor authentication through a Conditional Access policy or security defaults.',
    remediationImpact: 'Users must register an authentication method within 14 days and are prompted for MFA on risky sign-ins.',
    actionUrl: ENTRA_CA,
  },
  {
    id: 'BlockLegacyAuthentication', title: 'Enable Conditional Access policies to block legacy authentication',
    category: 'Identity', service: 'AzureAD', tier: 'Core', actionType: 'Config', userImpact: 'Moderate', implementationCost: 'Low',
    rank: 3, maxScore: 8, threats: ['Account Breach', 'Password Cracking'],
    remediation: 'Create a Conditional Access policy that targets <b>Exchange ActiveSync clients</b> and <b>Other clients</b> and blocks access.',
    remediationImpact: 'Users of older mail clients that do not support modern authentication lose access until they switch clients.',
    actionUrl: ENTRA_CA,
  },
  {
    id: 'IntegratedApps', title: 'Do not allow users to grant consent to unreliable applications',
    category: 'Identity', service: 'AzureAD', tier: 'Core', actionType: 'Config', userImpact: 'Moderate', implementationCost: 'Low',
    rank: 6, maxScore: 4, threats: ['Account Breach', 'Data Exfiltration', 'Phishing or Whaling'],
    remediation: 'Under <b>Enterprise applications &gt; Consent and permissions</b>, allow user consent only for apps from verified publishers, for selected permissions.',
    remediationImpact: 'Users must request admin approval for apps that need broader permissions.',
    actionUrl: ENTRA_CONSENT,
  },
  {
    id: 'SigninRiskPolicy', title: 'Turn on sign-in risk policy',
    category: 'Identity', service: 'AzureAD', tier: 'Defense in Depth', actionType: 'Config', userImpact: 'Moderate', implementationCost: 'Moderate',
    rank: 8, maxScore: 7, threats: ['Account Breach', 'Phishing or Whaling'],
    remediation: 'Create a risk-based Conditional Access policy that requires MFA when sign-in risk is medium or high.',
    remediationImpact: 'Users with risky sign-ins are asked to complete MFA.',
    actionUrl: ENTRA_IDP,
  },
  {
    id: 'UserRiskPolicy', title: 'Turn on user risk policy',
    category: 'Identity', service: 'AzureAD', tier: 'Defense in Depth', actionType: 'Config', userImpact: 'Moderate', implementationCost: 'Moderate',
    rank: 9, maxScore: 7, threats: ['Account Breach', 'Password Cracking'],
    remediation: 'Create a risk-based Conditional Access policy that requires a secure password change when user risk is high.',
    remediationImpact: 'High-risk users must reset their password after completing MFA.',
    actionUrl: ENTRA_IDP,
  },
  {
    id: 'aad_admin_accounts_separate_unassigned_cloud_only', title: 'Ensure administrative accounts are separate, unassigned and cloud-only',
    category: 'Identity', service: 'AzureAD', tier: 'Core', actionType: 'Config', userImpact: 'Moderate', implementationCost: 'Moderate',
    rank: 10, maxScore: 3, threats: ['Elevation of Privilege', 'Account Breach'], unit: 'admins',
    remediation: 'Give each administrator a separate cloud-only account without a productivity licence and use it only for administration.',
    remediationImpact: 'Administrators sign in with a second account for privileged tasks.',
    actionUrl: ENTRA_ROLES,
  },
  {
    id: 'PWAgePolicyNew', title: "Set the 'Password expiration policy' to 'Set passwords to never expire (recommended)'",
    category: 'Identity', service: 'AzureAD', tier: 'Core', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 12, maxScore: 8, threats: ['Password Cracking'],
    remediation: 'In the Microsoft 365 admin center, open <b>Settings &gt; Org settings &gt; Security &amp; privacy &gt; Password expiration policy</b> and select <i>Set passwords to never expire</i>.',
    remediationImpact: 'Users are no longer forced to change their passwords periodically.',
    actionUrl: 'https://admin.microsoft.com/Adminportal/Home#/Settings/SecurityPrivacy/:/Settings/L1/PasswordPolicy',
  },
  {
    id: 'aad_phishing_MFA_strength', title: 'Ensure phishing-resistant MFA strength is required for administrators',
    category: 'Identity', service: 'AzureAD', tier: 'Advanced', actionType: 'Config', userImpact: 'Moderate', implementationCost: 'High',
    rank: 15, maxScore: 8, threats: ['Phishing or Whaling', 'Account Breach', 'Elevation of Privilege'], unit: 'admins',
    remediation: 'Require the <b>Phishing-resistant MFA</b> authentication strength (FIDO2, Windows Hello for Business or certificate-based) for administrative roles.',
    remediationImpact: 'Administrators need a FIDO2 key, Windows Hello for Business or a smart card.',
    actionUrl: ENTRA_CA,
  },
  {
    id: 'RoleOverlap', title: 'Use least privileged administrative roles',
    category: 'Identity', service: 'AzureAD', tier: 'Core', actionType: 'Review', userImpact: 'Low', implementationCost: 'Low',
    rank: 16, maxScore: 1, threats: ['Elevation of Privilege', 'Malicious Insider'],
    remediation: 'Review the Global Administrator assignments and move users to narrower roles such as Exchange Administrator or Helpdesk Administrator.',
    remediationImpact: 'Administrators lose permissions they do not need.',
    actionUrl: ENTRA_ROLES,
  },
  {
    id: 'aad_sign_in_freq_session_timeout', title: 'Ensure sign-in frequency is enabled and browser sessions are not persistent for administrative users',
    category: 'Identity', service: 'AzureAD', tier: 'Defense in Depth', actionType: 'Config', userImpact: 'Moderate', implementationCost: 'Low',
    rank: 18, maxScore: 4, threats: ['Account Breach', 'Elevation of Privilege'],
    remediation: 'Create a Conditional Access policy for administrative roles with a sign-in frequency of 4 hours or less and <b>Never persistent</b> browser sessions.',
    remediationImpact: 'Administrators sign in again more often.',
    actionUrl: ENTRA_CA,
  },
  {
    id: 'SelfServicePasswordReset', title: 'Enable self-service password reset',
    category: 'Identity', service: 'AzureAD', tier: 'Core', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 20, maxScore: 1, threats: ['Account Breach'],
    remediation: 'Turn on self-service password reset for all users and require two methods to reset.',
    remediationImpact: 'Users can reset forgotten passwords without contacting the help desk.',
    actionUrl: 'https://entra.microsoft.com/#view/Microsoft_AAD_IAM/PasswordResetMenuBlade/~/Properties',
  },
  {
    id: 'aad_admin_consent_workflow', title: 'Ensure the admin consent workflow is enabled',
    category: 'Identity', service: 'AzureAD', tier: 'Defense in Depth', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 24, maxScore: 2, threats: ['Data Exfiltration', 'Account Breach'],
    remediation: 'Turn on <b>Users can request admin consent to apps they are unable to consent to</b> and choose reviewers.',
    remediationImpact: 'Users can ask for access instead of being blocked.',
    actionUrl: ENTRA_CONSENT,
  },
  {
    id: 'OneAdmin', title: 'Designate more than one global admin',
    category: 'Identity', service: 'AzureAD', tier: 'Core', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 25, maxScore: 1, threats: ['Account Breach', 'Malicious Insider'],
    remediation: 'Assign the Global Administrator role to at least two (and no more than four) accounts.',
    remediationImpact: 'No user impact.',
    actionUrl: ENTRA_ROLES,
  },
  {
    id: 'PasswordHashSync', title: 'Enable Password Hash Sync if hybrid',
    category: 'Identity', service: 'AzureAD', tier: 'Core', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 28, maxScore: 5, threats: ['Password Cracking', 'Account Breach'],
    remediation: 'In Microsoft Entra Connect, enable <b>Password hash synchronization</b> so leaked-credential detection can work.',
    remediationImpact: 'No user impact.',
    actionUrl: 'https://entra.microsoft.com/#view/Microsoft_AAD_IAM/AADConnectMenuBlade/~/GetStarted',
  },
  {
    id: 'aad_password_protection', title: 'Ensure password protection is enabled for on-premises Active Directory',
    category: 'Identity', service: 'AzureAD', tier: 'Defense in Depth', actionType: 'Config', userImpact: 'Low', implementationCost: 'Moderate',
    rank: 30, maxScore: 1, threats: ['Password Cracking'],
    remediation: 'Deploy the Microsoft Entra Password Protection DC agent and proxy, then set the mode to <b>Enforced</b>.',
    remediationImpact: 'Users cannot choose weak or banned passwords on-premises.',
    actionUrl: ENTRA_AUTH_METHODS,
  },
  {
    id: 'aad_custom_banned_passwords', title: 'Ensure custom banned passwords lists are used',
    category: 'Identity', service: 'AzureAD', tier: 'Defense in Depth', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 33, maxScore: 1, threats: ['Password Cracking'],
    remediation: 'Add organisation-specific terms (brand names, locations, products) to the custom banned password list.',
    remediationImpact: 'Users cannot include these terms in new passwords.',
    actionUrl: ENTRA_AUTH_METHODS,
  },
  {
    id: 'aad_guest_access_restricted', title: 'Ensure that guest user access is restricted',
    category: 'Identity', service: 'AzureAD', tier: 'Defense in Depth', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 35, maxScore: 1, threats: ['Data Exfiltration', 'Malicious Insider'],
    remediation: 'Set <b>Guest user access restrictions</b> to limit guests to properties and memberships of their own directory objects.',
    remediationImpact: 'Guests can no longer browse the directory.',
    actionUrl: 'https://entra.microsoft.com/#view/Microsoft_AAD_IAM/AllowlistPolicyBlade',
  },
  {
    id: 'aad_linkedin_connection_disables', title: 'Ensure LinkedIn account connections is disabled',
    category: 'Identity', service: 'AzureAD', tier: 'Defense in Depth', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 40, maxScore: 1, threats: ['Data Exfiltration', 'Phishing or Whaling'],
    remediation: 'Under <b>User settings</b>, set <i>Allow users to connect their work or school account with LinkedIn</i> to No.',
    remediationImpact: 'Users cannot link their LinkedIn profiles.',
    actionUrl: 'https://entra.microsoft.com/#view/Microsoft_AAD_UsersAndTenants/UserManagementMenuBlade/~/UserSettings',
  },
  {
    id: 'mdi_laps', title: 'Protect and manage local admin passwords with Microsoft LAPS',
    category: 'Identity', service: 'MDI', tier: 'Defense in Depth', actionType: 'Config', userImpact: 'Low', implementationCost: 'Moderate',
    rank: 42, maxScore: 6, threats: ['Elevation of Privilege', 'Password Cracking'], unit: 'devices',
    remediation: 'Deploy Windows LAPS to all domain-joined devices so each local administrator password is unique and rotated.',
    remediationImpact: 'Help desk retrieves local admin passwords from the directory.',
    actionUrl: MDI_HEALTH,
  },
  {
    id: 'mdi_dormant_sensitive_accounts', title: 'Remove dormant accounts from sensitive groups',
    category: 'Identity', service: 'MDI', tier: 'Defense in Depth', actionType: 'Review', userImpact: 'Low', implementationCost: 'Low',
    rank: 45, maxScore: 5, threats: ['Elevation of Privilege', 'Account Breach'], unit: 'users',
    remediation: 'Review members of Domain Admins, Enterprise Admins and other sensitive groups who have not signed in for 180 days and remove them.',
    remediationImpact: 'No impact for active users.',
    actionUrl: MDI_HEALTH,
  },
  {
    id: 'mdi_cleartext_credentials', title: 'Stop clear text credentials exposure',
    category: 'Identity', service: 'MDI', tier: 'Defense in Depth', actionType: 'Config', userImpact: 'Low', implementationCost: 'Moderate',
    rank: 48, maxScore: 3, threats: ['Password Cracking', 'Account Breach'],
    remediation: 'Reconfigure services that use LDAP simple bind to use LDAPS or Kerberos.',
    remediationImpact: 'Legacy applications may need reconfiguration.',
    actionUrl: MDI_HEALTH,
  },
  {
    id: 'mdi_print_spooler', title: 'Disable Print spooler service on domain controllers',
    category: 'Identity', service: 'MDI', tier: 'Defense in Depth', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 50, maxScore: 3, threats: ['Elevation of Privilege'],
    remediation: 'Stop and disable the <b>Print Spooler</b> service on every domain controller.',
    remediationImpact: 'Domain controllers can no longer act as print servers.',
    actionUrl: MDI_HEALTH,
  },
  {
    id: 'mdi_unsecure_account_attributes', title: 'Resolve unsecure account attributes',
    category: 'Identity', service: 'MDI', tier: 'Defense in Depth', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 52, maxScore: 4, threats: ['Password Cracking', 'Account Breach'], unit: 'users',
    remediation: 'Clear <i>Password never expires</i>, <i>Store password using reversible encryption</i> and <i>Do not require Kerberos preauthentication</i> on the listed accounts.',
    remediationImpact: 'Affected service accounts may need password rotation.',
    actionUrl: MDI_HEALTH,
  },
  {
    id: 'AdminMFA', title: 'Require MFA for administrative roles',
    category: 'Identity', service: 'AzureAD', tier: 'Core', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 90, maxScore: 10, threats: ['Account Breach', 'Elevation of Privilege'], deprecated: true,
    remediation: 'Superseded by AdminMFAV2.', remediationImpact: 'None.', actionUrl: ENTRA_CA,
  },
  {
    id: 'MFARegistration', title: 'Register all users for multi-factor authentication',
    category: 'Identity', service: 'AzureAD', tier: 'Core', actionType: 'Config', userImpact: 'Moderate', implementationCost: 'Moderate',
    rank: 91, maxScore: 9, threats: ['Account Breach', 'Password Cracking'], deprecated: true,
    remediation: 'Superseded by MFARegistrationV2.', remediationImpact: 'None.', actionUrl: ENTRA_CA,
  },

  // ---- Data --------------------------------------------------------------------------------
  {
    id: 'mip_search_auditlog', title: 'Ensure Microsoft 365 audit log search is enabled',
    category: 'Data', service: 'IP', tier: 'Core', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 11, maxScore: 3, threats: ['Malicious Insider', 'Data Exfiltration'],
    remediation: 'In the Purview portal open <b>Audit</b> and select <i>Start recording user and admin activity</i>.',
    remediationImpact: 'No user impact.',
    actionUrl: `${PURVIEW}/audit/auditsearch`,
  },
  {
    id: 'InformationProtectionLabels', title: 'Publish Microsoft 365 sensitivity labels',
    category: 'Data', service: 'IP', tier: 'Advanced', actionType: 'Config', userImpact: 'Moderate', implementationCost: 'Moderate',
    rank: 34, maxScore: 6, threats: ['Data Exfiltration', 'Data Spillage'],
    remediation: 'Create sensitivity labels (for example <b>Public</b>, <b>General</b>, <b>Confidential</b>) and publish them with a label policy.',
    remediationImpact: 'Users see a sensitivity bar in Office apps.',
    actionUrl: `${PURVIEW}/informationprotection/labels`,
  },
  {
    id: 'spo_external_sharing_domains', title: 'Ensure SharePoint external sharing is managed through domain allow/deny lists',
    category: 'Data', service: 'SPO', tier: 'Defense in Depth', actionType: 'Config', userImpact: 'Moderate', implementationCost: 'Low',
    rank: 44, maxScore: 2, threats: ['Data Exfiltration', 'Data Spillage'],
    remediation: 'Under <b>Policies &gt; Sharing</b>, limit external sharing to specific domains.',
    remediationImpact: 'Users cannot share with domains outside the allow list.',
    actionUrl: SPO_ADMIN,
  },
  {
    id: 'DLPEnabled', title: 'Turn on data loss prevention policies',
    category: 'Data', service: 'IP', tier: 'Advanced', actionType: 'Config', userImpact: 'Moderate', implementationCost: 'Moderate',
    rank: 55, maxScore: 10, threats: ['Data Exfiltration', 'Data Spillage'], unit: 'policies',
    remediation: 'Create DLP policies for Exchange, SharePoint, OneDrive and Teams that detect financial and personal data.',
    remediationImpact: 'Some sharing actions may be blocked or show a policy tip.',
    actionUrl: `${PURVIEW}/datalossprevention/policies`,
  },
  {
    id: 'exo_individualsharing', title: 'Ensure calendar details sharing with external users is disabled',
    category: 'Data', service: 'EXO', tier: 'Defense in Depth', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 56, maxScore: 1, threats: ['Data Exfiltration'],
    remediation: 'Disable the default sharing policy for <b>Anonymous</b> and all external domains.',
    remediationImpact: 'Users cannot publish free/busy details outside the organisation.',
    actionUrl: `${EXO_ADMIN}/#/organization/sharing`,
  },
  {
    id: 'spo_guest_user_resharing', title: "Ensure that SharePoint guest users cannot share items they don't own",
    category: 'Data', service: 'SPO', tier: 'Defense in Depth', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 57, maxScore: 1, threats: ['Data Exfiltration', 'Data Spillage'],
    remediation: 'Clear <i>Allow guests to share items they don\'t own</i> in the SharePoint admin center.',
    remediationImpact: 'Guests can only view what is shared with them.',
    actionUrl: SPO_ADMIN,
  },
  {
    id: 'mip_autosensitivitylabelspolicies', title: 'Create auto-labeling policies for sensitive information',
    category: 'Data', service: 'IP', tier: 'Advanced', actionType: 'Config', userImpact: 'Low', implementationCost: 'Moderate',
    rank: 58, maxScore: 5, threats: ['Data Exfiltration', 'Data Spillage'], unit: 'policies',
    remediation: 'Create auto-labeling policies that apply a sensitivity label to documents and emails containing sensitive information types.',
    remediationImpact: 'Matching items are labelled automatically; encryption may apply.',
    actionUrl: `${PURVIEW}/informationprotection/autolabeling`,
  },
  {
    id: 'CustomerLockBoxEnabled', title: 'Turn on customer lockbox feature',
    category: 'Data', service: 'EXO', tier: 'Advanced', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 60, maxScore: 1, threats: ['Data Exfiltration', 'Malicious Insider'],
    remediation: 'In the Microsoft 365 admin center open <b>Settings &gt; Org settings &gt; Security &amp; privacy &gt; Customer lockbox</b> and require approval for data access requests.',
    remediationImpact: 'Microsoft engineers need your approval before accessing content during support cases.',
    actionUrl: 'https://admin.microsoft.com/Adminportal/Home#/Settings/SecurityPrivacy/:/Settings/L1/CustomerLockbox',
  },
  {
    id: 'mip_dlp_teams', title: 'Extend DLP policies to Microsoft Teams chats and channel messages',
    category: 'Data', service: 'IP', tier: 'Advanced', actionType: 'Config', userImpact: 'Moderate', implementationCost: 'Low',
    rank: 62, maxScore: 3, threats: ['Data Exfiltration', 'Data Spillage'],
    remediation: 'Add the <b>Teams chat and channel messages</b> location to existing DLP policies.',
    remediationImpact: 'Messages with sensitive data may be blocked in Teams.',
    actionUrl: `${PURVIEW}/datalossprevention/policies`,
  },
  {
    id: 'mip_dlp_endpoint', title: 'Turn on endpoint DLP for onboarded devices',
    category: 'Data', service: 'IP', tier: 'Advanced', actionType: 'Config', userImpact: 'Moderate', implementationCost: 'Moderate',
    rank: 65, maxScore: 3, threats: ['Data Exfiltration', 'Malicious Insider'], unit: 'devices',
    remediation: 'Add the <b>Devices</b> location to DLP policies to audit or block copying sensitive files to USB, network shares and cloud apps.',
    remediationImpact: 'Copying sensitive files off a device may be blocked.',
    actionUrl: `${PURVIEW}/datalossprevention/policies`,
  },
  {
    id: 'AuditLogSearch', title: 'Enable audit data recording',
    category: 'Data', service: 'IP', tier: 'Core', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 92, maxScore: 3, threats: ['Malicious Insider'], deprecated: true,
    remediation: 'Superseded by mip_search_auditlog.', remediationImpact: 'None.', actionUrl: `${PURVIEW}/audit/auditsearch`,
  },

  // ---- Apps --------------------------------------------------------------------------------
  {
    id: 'mdo_safelinksforemail', title: 'Create Safe Links policies for email messages',
    category: 'Apps', service: 'MDO', tier: 'Core', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 4, maxScore: 9, threats: ['Phishing or Whaling', 'Account Breach'],
    remediation: 'Create a Safe Links policy for all recipients with <b>On: Safe Links checks a list of known, malicious links</b> and real-time URL scanning.',
    remediationImpact: 'Links in email are rewritten and checked at click time.',
    actionUrl: `${MDO}/safelinksv2`,
  },
  {
    id: 'mdo_safeattachments', title: 'Turn on Safe Attachments in block mode',
    category: 'Apps', service: 'MDO', tier: 'Core', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 5, maxScore: 8, threats: ['Phishing or Whaling', 'Account Breach', 'Data Deletion'],
    remediation: 'Create a Safe Attachments policy for all recipients with the action set to <b>Block</b>.',
    remediationImpact: 'Messages with attachments may be delayed while they are detonated.',
    actionUrl: `${MDO}/safeattachmentv2`,
  },
  {
    id: 'exo_oauth2clientprofileenabled', title: 'Ensure modern authentication for Exchange Online is enabled',
    category: 'Apps', service: 'EXO', tier: 'Core', actionType: 'Config', userImpact: 'Moderate', implementationCost: 'Low',
    rank: 7, maxScore: 9, threats: ['Account Breach', 'Password Cracking'],
    remediation: 'Run <b>Set-OrganizationConfig -OAuth2ClientProfileEnabled $true</b> in Exchange Online PowerShell.',
    remediationImpact: 'Outlook clients use modern authentication and support MFA.',
    actionUrl: `${EXO_ADMIN}/#/settings`,
  },
  {
    id: 'exo_mailboxaudit', title: 'Ensure mailbox auditing for all users is enabled',
    category: 'Apps', service: 'EXO', tier: 'Core', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 13, maxScore: 1, threats: ['Malicious Insider', 'Data Exfiltration'], unit: 'mailboxes',
    remediation: 'Make sure <b>AuditDisabled</b> is False for the organisation and that no mailbox has auditing bypassed.',
    remediationImpact: 'No user impact.',
    actionUrl: `${EXO_ADMIN}/#/mailboxes`,
  },
  {
    id: 'mdo_atpprotection', title: 'Turn on Microsoft Defender for Office 365 in SharePoint, OneDrive, and Microsoft Teams',
    category: 'Apps', service: 'MDO', tier: 'Core', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 17, maxScore: 8, threats: ['Data Deletion', 'Data Exfiltration'],
    remediation: 'Under <b>Safe Attachments &gt; Global settings</b>, turn on Defender for Office 365 for SharePoint, OneDrive and Microsoft Teams.',
    remediationImpact: 'Malicious files are blocked from being opened or downloaded.',
    actionUrl: `${MDO}/safeattachmentv2`,
  },
  {
    id: 'mdo_antiphishingpolicies', title: 'Ensure that an anti-phishing policy has been created',
    category: 'Apps', service: 'MDO', tier: 'Core', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 19, maxScore: 9, threats: ['Phishing or Whaling', 'Spoofing'],
    remediation: 'Create an anti-phishing policy with impersonation protection, spoof intelligence and a phishing threshold of at least 2.',
    remediationImpact: 'Suspected impersonation messages are quarantined.',
    actionUrl: `${MDO}/antiphishing`,
  },
  {
    id: 'mdo_autoforwardingmode', title: 'Ensure all forms of mail forwarding are blocked and/or disabled',
    category: 'Apps', service: 'MDO', tier: 'Defense in Depth', actionType: 'Config', userImpact: 'Moderate', implementationCost: 'Low',
    rank: 22, maxScore: 8, threats: ['Data Exfiltration', 'Account Breach'],
    remediation: 'Set <b>Automatic forwarding rules</b> to <i>Off</i> in the outbound spam filter policy and remove transport rules that redirect mail externally.',
    remediationImpact: 'Users cannot forward mail to external addresses automatically.',
    actionUrl: `${MDO}/antispam`,
  },
  {
    id: 'spo_legacy_auth', title: 'Ensure modern authentication for SharePoint applications is required',
    category: 'Apps', service: 'SPO', tier: 'Core', actionType: 'Config', userImpact: 'Moderate', implementationCost: 'Low',
    rank: 23, maxScore: 5, threats: ['Account Breach', 'Password Cracking'],
    remediation: 'Under <b>Policies &gt; Access control &gt; Apps that don\'t use modern authentication</b>, select <i>Block access</i>.',
    remediationImpact: 'Old Office clients cannot open SharePoint content.',
    actionUrl: SPO_ADMIN,
  },
  {
    id: 'mdo_dkim', title: 'Ensure that DKIM is enabled for all Exchange Online domains',
    category: 'Apps', service: 'MDO', tier: 'Core', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 26, maxScore: 3, threats: ['Spoofing', 'Phishing or Whaling'],
    remediation: 'Publish the two DKIM CNAME records for each accepted domain and enable DKIM signing.',
    remediationImpact: 'No user impact.',
    actionUrl: `${MDO}/dkimv2`,
  },
  {
    id: 'mcas_office365_connector', title: 'Connect Microsoft 365 to Microsoft Defender for Cloud Apps',
    category: 'Apps', service: 'MCAS', tier: 'Defense in Depth', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 29, maxScore: 3, threats: ['Data Exfiltration', 'Account Breach'],
    remediation: 'In <b>Settings &gt; Cloud apps &gt; App connectors</b>, connect Microsoft 365 with all components selected.',
    remediationImpact: 'No user impact.',
    actionUrl: `${MDCA}/app-connectors`,
  },
  {
    id: 'mdo_commonattachmentsfilter', title: 'Ensure the common attachment types filter is enabled',
    category: 'Apps', service: 'MDO', tier: 'Core', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 31, maxScore: 5, threats: ['Phishing or Whaling', 'Data Deletion'],
    remediation: 'Turn on <b>Enable the common attachments filter</b> in the default anti-malware policy.',
    remediationImpact: 'Messages with executable attachments are quarantined.',
    actionUrl: `${MDO}/antimalwarev2`,
  },
  {
    id: 'spo_idle_session_timeout', title: 'Sign out inactive users in SharePoint Online',
    category: 'Apps', service: 'SPO', tier: 'Defense in Depth', actionType: 'Config', userImpact: 'Moderate', implementationCost: 'Low',
    rank: 32, maxScore: 4, threats: ['Account Breach', 'Data Exfiltration'],
    remediation: 'Under <b>Access control &gt; Idle session sign-out</b>, sign out users after one hour of inactivity.',
    remediationImpact: 'Users on unmanaged devices are signed out after inactivity.',
    actionUrl: SPO_ADMIN,
  },
  {
    id: 'mdo_targetedusersprotection', title: 'Enable impersonated user protection',
    category: 'Apps', service: 'MDO', tier: 'Advanced', actionType: 'Config', userImpact: 'Low', implementationCost: 'Moderate',
    rank: 36, maxScore: 6, threats: ['Phishing or Whaling', 'Spoofing'],
    remediation: 'Add executives and finance staff to <b>Enable users to protect</b> in the anti-phishing policy and quarantine matching messages.',
    remediationImpact: 'Messages impersonating protected users are quarantined.',
    actionUrl: `${MDO}/antiphishing`,
  },
  {
    id: 'mdo_zapmalware', title: 'Ensure that Zero-hour auto purge for malware is on',
    category: 'Apps', service: 'MDO', tier: 'Core', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 37, maxScore: 4, threats: ['Phishing or Whaling', 'Data Deletion'],
    remediation: 'Turn on <b>Enable zero-hour auto purge for malware</b> in the anti-malware policy.',
    remediationImpact: 'Delivered messages later found to contain malware are removed.',
    actionUrl: `${MDO}/antimalwarev2`,
  },
  {
    id: 'mdo_safedocuments', title: 'Turn on Safe Documents for Office clients',
    category: 'Apps', service: 'MDO', tier: 'Defense in Depth', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 38, maxScore: 2, threats: ['Phishing or Whaling'],
    remediation: 'Turn on <b>Safe Documents</b> in the Safe Attachments global settings.',
    remediationImpact: 'Files from the internet are scanned before leaving Protected View.',
    actionUrl: `${MDO}/safeattachmentv2`,
  },
  {
    id: 'mdo_zapphish', title: 'Ensure that Zero-hour auto purge for phishing is on',
    category: 'Apps', service: 'MDO', tier: 'Core', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 39, maxScore: 4, threats: ['Phishing or Whaling'],
    remediation: 'Turn on <b>Zero-hour auto purge for phishing messages</b> in the anti-spam inbound policy.',
    remediationImpact: 'Delivered phishing messages are moved to quarantine.',
    actionUrl: `${MDO}/antispam`,
  },
  {
    id: 'mdo_zapspam', title: 'Ensure that Zero-hour auto purge for spam is on',
    category: 'Apps', service: 'MDO', tier: 'Core', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 41, maxScore: 4, threats: ['Phishing or Whaling'],
    remediation: 'Turn on <b>Zero-hour auto purge for spam messages</b> in the anti-spam inbound policy.',
    remediationImpact: 'Delivered spam is moved to the Junk Email folder.',
    actionUrl: `${MDO}/antispam`,
  },
  {
    id: 'mdo_mailboxintelligenceprotection', title: 'Enable the mailbox intelligence protection',
    category: 'Apps', service: 'MDO', tier: 'Advanced', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 43, maxScore: 3, threats: ['Phishing or Whaling', 'Spoofing'],
    remediation: 'Turn on <b>Enable mailbox intelligence based impersonation protection</b> in the anti-phishing policy.',
    remediationImpact: 'No user impact.',
    actionUrl: `${MDO}/antiphishing`,
  },
  {
    id: 'mdo_bulkthreshold', title: 'Set the email bulk complaint level (BCL) threshold to be 6 or lower',
    category: 'Apps', service: 'MDO', tier: 'Defense in Depth', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 46, maxScore: 4, threats: ['Phishing or Whaling'],
    remediation: 'Set the bulk email threshold to 6 in the default anti-spam policy.',
    remediationImpact: 'More bulk mail goes to Junk Email.',
    actionUrl: `${MDO}/antispam`,
  },
  {
    id: 'meeting_restrictanonymousjoin_v1', title: 'Restrict anonymous users from joining meetings',
    category: 'Apps', service: 'Teams', tier: 'Defense in Depth', actionType: 'Config', userImpact: 'Moderate', implementationCost: 'Low',
    rank: 47, maxScore: 2, threats: ['Data Exfiltration', 'Data Spillage'],
    remediation: 'Set <b>Anonymous users can join a meeting</b> to Off in the global meeting policy.',
    remediationImpact: 'People without a Teams account cannot join meetings.',
    actionUrl: TEAMS_MEETINGS,
  },
  {
    id: 'meeting_autoadmitusers_v1', title: 'Only invited users should be automatically admitted to Teams meetings',
    category: 'Apps', service: 'Teams', tier: 'Defense in Depth', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 49, maxScore: 1, threats: ['Data Spillage'],
    remediation: 'Set <b>Who can bypass the lobby</b> to <i>People who were invited</i>.',
    remediationImpact: 'Uninvited attendees wait in the lobby.',
    actionUrl: TEAMS_MEETINGS,
  },
  {
    id: 'exo_storageproviderrestricted', title: 'Ensure additional storage providers are restricted in Outlook on the web',
    category: 'Apps', service: 'EXO', tier: 'Defense in Depth', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 53, maxScore: 1, threats: ['Data Exfiltration'],
    remediation: 'Run <b>Set-OwaMailboxPolicy -AdditionalStorageProvidersAvailable $false</b>.',
    remediationImpact: 'Users cannot attach files from third-party storage in Outlook on the web.',
    actionUrl: `${EXO_ADMIN}/#/settings`,
  },
  {
    id: 'exo_outlookaddins', title: 'Ensure users installing Outlook add-ins is not allowed',
    category: 'Apps', service: 'EXO', tier: 'Defense in Depth', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 54, maxScore: 2, threats: ['Data Exfiltration', 'Account Breach'],
    remediation: 'Remove the <b>My Custom Apps</b>, <b>My Marketplace Apps</b> and <b>My ReadWriteMailbox Apps</b> roles from the default role assignment policy.',
    remediationImpact: 'Users cannot install add-ins themselves.',
    actionUrl: `${EXO_ADMIN}/#/userroles`,
  },
  {
    id: 'meeting_externalcontrol_v1', title: 'Limit external participants from having control in a Teams meeting',
    category: 'Apps', service: 'Teams', tier: 'Defense in Depth', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 59, maxScore: 1, threats: ['Data Exfiltration'],
    remediation: 'Set <b>External participants can give or request control</b> to Off.',
    remediationImpact: 'External attendees cannot take control of shared screens.',
    actionUrl: TEAMS_MEETINGS,
  },
  {
    id: 'meeting_restrictdialin_v1', title: 'Restrict dial-in users from bypassing a meeting lobby',
    category: 'Apps', service: 'Teams', tier: 'Defense in Depth', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 61, maxScore: 1, threats: ['Data Spillage'],
    remediation: 'Set <b>People dialing in can bypass the lobby</b> to Off.',
    remediationImpact: 'Phone participants wait in the lobby.',
    actionUrl: TEAMS_MEETINGS,
  },
  {
    id: 'meeting_designatedpresenter_v1', title: 'Only organizers and co-organizers should be able to present',
    category: 'Apps', service: 'Teams', tier: 'Defense in Depth', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 63, maxScore: 1, threats: ['Data Spillage'],
    remediation: 'Set <b>Who can present</b> to <i>Only organizers and co-organizers</i>.',
    remediationImpact: 'Attendees must be promoted to share content.',
    actionUrl: TEAMS_MEETINGS,
  },
  {
    id: 'mcas_activity_policies', title: 'Create a custom activity policy to get alerts about suspicious usage patterns',
    category: 'Apps', service: 'MCAS', tier: 'Advanced', actionType: 'Config', userImpact: 'Low', implementationCost: 'Moderate',
    rank: 64, maxScore: 5, threats: ['Data Exfiltration', 'Malicious Insider'],
    remediation: 'Create activity policies for mass download, mass deletion and administrative activity from unfamiliar locations.',
    remediationImpact: 'No user impact.',
    actionUrl: `${MDCA}/policies/management`,
  },
  {
    id: 'mcas_oauth_app_review', title: 'Review permissions and deactivate unnecessary OAuth apps',
    category: 'Apps', service: 'MCAS', tier: 'Defense in Depth', actionType: 'Review', userImpact: 'Low', implementationCost: 'Low',
    rank: 66, maxScore: 5, threats: ['Data Exfiltration', 'Account Breach'],
    remediation: 'Review OAuth apps with high permission levels and ban those that are not needed.',
    remediationImpact: 'Banned apps lose access to user data.',
    actionUrl: `${MDCA}/oauth-apps`,
  },
  {
    id: 'appg_enable', title: 'Turn on app governance',
    category: 'Apps', service: 'AppG', tier: 'Advanced', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 67, maxScore: 5, threats: ['Data Exfiltration', 'Account Breach'],
    remediation: 'Turn on app governance in <b>Settings &gt; Cloud apps &gt; App governance</b>.',
    remediationImpact: 'No user impact.',
    actionUrl: `${MDCA}/app-governance`,
  },
  {
    id: 'appg_unused_credentials', title: 'Remove unused credentials from applications',
    category: 'Apps', service: 'AppG', tier: 'Defense in Depth', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 68, maxScore: 3, threats: ['Account Breach', 'Elevation of Privilege'], unit: 'apps',
    remediation: 'Delete client secrets and certificates that have not been used for 30 days.',
    remediationImpact: 'No impact for apps using their current credentials.',
    actionUrl: `${MDCA}/app-governance`,
  },
  {
    id: 'appg_overprivileged_policy', title: 'Create an app governance policy for overprivileged apps',
    category: 'Apps', service: 'AppG', tier: 'Advanced', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 70, maxScore: 3, threats: ['Data Exfiltration', 'Elevation of Privilege'],
    remediation: 'Create a policy that alerts on apps with unused Microsoft Graph permissions.',
    remediationImpact: 'No user impact.',
    actionUrl: `${MDCA}/app-governance`,
  },

  // ---- Device ------------------------------------------------------------------------------
  ...deviceControls([
    ['scid_2000', 'Turn on real-time protection', 9, 14, ['Data Deletion', 'Account Breach']],
    ['scid_2001', 'Update Microsoft Defender Antivirus definitions', 8, 21, ['Data Deletion']],
    ['scid_2002', 'Turn on Tamper Protection', 8, 27, ['Data Deletion', 'Elevation of Privilege']],
    ['scid_2003', 'Turn on cloud-delivered protection', 7, 51, ['Data Deletion']],
    ['scid_2004', 'Turn on PUA protection in block mode', 5, 71, ['Data Exfiltration']],
    ['scid_2005', 'Block credential stealing from the Windows local security authority subsystem', 9, 72, ['Password Cracking', 'Account Breach']],
    ['scid_2006', 'Block Office applications from creating child processes', 7, 73, ['Phishing or Whaling']],
    ['scid_2007', 'Block executable content from email client and webmail', 7, 74, ['Phishing or Whaling']],
    ['scid_2008', 'Block JavaScript or VBScript from launching downloaded executable content', 6, 75, ['Phishing or Whaling']],
    ['scid_2009', 'Block untrusted and unsigned processes that run from USB', 5, 76, ['Data Exfiltration', 'Malicious Insider']],
    ['scid_2010', 'Block abuse of exploited vulnerable signed drivers', 6, 77, ['Elevation of Privilege']],
    ['scid_2011', 'Turn on Microsoft Defender Firewall in all profiles', 7, 78, ['Data Exfiltration']],
    ['scid_2012', "Enable 'Local Security Authority (LSA) protection'", 8, 79, ['Password Cracking', 'Elevation of Privilege']],
    ['scid_2013', 'Encrypt all BitLocker-supported drives', 9, 80, ['Data Exfiltration', 'Data Spillage']],
    ['scid_2014', 'Disable SMBv1 client driver', 5, 81, ['Elevation of Privilege']],
    ['scid_2015', 'Turn on network protection in block mode', 6, 82, ['Phishing or Whaling', 'Data Exfiltration']],
    ['scid_2016', "Set 'Minimum password length' to '14 or more character(s)'", 4, 83, ['Password Cracking']],
    ['scid_2017', "Disable 'Autoplay' for all drives", 3, 84, ['Malicious Insider']],
    ['scid_2018', 'Update Microsoft Edge for Windows', 4, 85, ['Phishing or Whaling']],
  ]),
  {
    id: 'IntuneWindowsCompliance', title: 'Create a Microsoft Intune compliance policy for Windows',
    category: 'Device', service: 'Intune', tier: 'Core', actionType: 'Config', userImpact: 'Moderate', implementationCost: 'Moderate',
    rank: 95, maxScore: 5, threats: ['Data Exfiltration', 'Account Breach'],
    remediation: 'Create a compliance policy requiring BitLocker, Secure Boot, a minimum OS version and a Defender risk score, and use it in Conditional Access.',
    remediationImpact: 'Non-compliant devices lose access to company resources.',
    actionUrl: INTUNE_COMPLIANCE,
  },
  {
    id: 'IntuneMobileCompliance', title: 'Create a Microsoft Intune compliance policy for iOS and Android',
    category: 'Device', service: 'Intune', tier: 'Core', actionType: 'Config', userImpact: 'Moderate', implementationCost: 'Moderate',
    rank: 89, maxScore: 4, threats: ['Data Exfiltration', 'Account Breach'],
    remediation: 'Create compliance policies requiring a passcode, encryption and no jailbreak or root.',
    remediationImpact: 'Users must set a device passcode.',
    actionUrl: INTUNE_COMPLIANCE,
  },
  {
    id: 'IntuneDeviceEncryption', title: 'Require device encryption on mobile devices',
    category: 'Device', service: 'Intune', tier: 'Core', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 93, maxScore: 3, threats: ['Data Exfiltration'], deprecated: true,
    remediation: 'Superseded by IntuneMobileCompliance.', remediationImpact: 'None.', actionUrl: INTUNE_COMPLIANCE,
  },

  // ---- Infrastructure ----------------------------------------------------------------------
  {
    id: 'mdc_mfa_owner_accounts', title: 'MFA should be enabled on accounts with owner permissions on Azure subscriptions',
    category: 'Infrastructure', service: 'MDC', tier: 'Core', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 94, maxScore: 6, threats: ['Account Breach', 'Elevation of Privilege'], unit: 'users',
    remediation: 'Require MFA for every account with the Owner role on a subscription.',
    remediationImpact: 'Owners are prompted for MFA in the Azure portal.',
    actionUrl: MDC,
  },
  {
    id: 'mdc_defender_servers', title: 'Enable Microsoft Defender for Servers on Azure subscriptions',
    category: 'Infrastructure', service: 'MDC', tier: 'Advanced', actionType: 'Config', userImpact: 'Low', implementationCost: 'Moderate',
    rank: 69, maxScore: 5, threats: ['Data Exfiltration', 'Elevation of Privilege'],
    remediation: 'Turn on the <b>Servers</b> plan in Defender for Cloud environment settings.',
    remediationImpact: 'No user impact; the plan is billed per server.',
    actionUrl: MDC,
  },
  {
    id: 'mdc_jit_vm_access', title: 'Management ports of virtual machines should be protected with just-in-time network access control',
    category: 'Infrastructure', service: 'MDC', tier: 'Defense in Depth', actionType: 'Config', userImpact: 'Moderate', implementationCost: 'Low',
    rank: 86, maxScore: 4, threats: ['Password Cracking', 'Account Breach'], unit: 'devices',
    remediation: 'Enable just-in-time VM access for RDP and SSH ports.',
    remediationImpact: 'Administrators request access before connecting to VMs.',
    actionUrl: MDC,
  },
  {
    id: 'mdc_storage_network_access', title: 'Storage accounts should restrict network access',
    category: 'Infrastructure', service: 'MDC', tier: 'Defense in Depth', actionType: 'Config', userImpact: 'Low', implementationCost: 'Moderate',
    rank: 87, maxScore: 3, threats: ['Data Exfiltration', 'Data Spillage'],
    remediation: 'Set the default network access rule of each storage account to <b>Deny</b> and allow only required networks.',
    remediationImpact: 'Clients outside allowed networks cannot reach the storage account.',
    actionUrl: MDC,
  },
  {
    id: 'mdc_keyvault_purge_protection', title: 'Key vaults should have deletion protection enabled',
    category: 'Infrastructure', service: 'MDC', tier: 'Defense in Depth', actionType: 'Config', userImpact: 'Low', implementationCost: 'Low',
    rank: 88, maxScore: 2, threats: ['Data Deletion', 'Malicious Insider'],
    remediation: 'Enable soft delete and purge protection on every key vault.',
    remediationImpact: 'Deleted secrets are retained for the recovery period.',
    actionUrl: MDC,
  },
];

type DeviceRow = [id: string, title: string, maxScore: number, rank: number, threats: Threat[]];

/** Defender for Endpoint security recommendations share everything but id, title, points and threats. */
function deviceControls(rows: DeviceRow[]): CatalogControl[] {
  return rows.map(([id, title, maxScore, rank, threats]) => ({
    id, title, category: 'Device', service: 'MDATP', tier: 'Core', actionType: 'Config',
    userImpact: 'Low', implementationCost: 'Moderate', rank, maxScore, threats, unit: 'devices',
    remediation: `Apply the <b>${title}</b> setting to exposed devices through Intune endpoint security policies or Group Policy.`,
    remediationImpact: 'Test with a pilot group first: line-of-business apps may be affected.',
    actionUrl: MDE_RECS,
  }));
}

/** Settings used to name synthetic `scid_` controls when more profiles are requested than the catalogue has. */
export const SYNTHETIC_DEVICE_SETTINGS: readonly string[] = [
  "Disable 'Allow Basic authentication' for WinRM Client",
  "Disable 'Allow Basic authentication' for WinRM Service",
  "Set 'Account lockout threshold' to 1-10 invalid login attempts",
  "Set 'Account lockout duration' to 15 or more minutes",
  "Enable 'Require additional authentication at startup'",
  "Disable 'Enumerate administrator accounts on elevation'",
  "Set 'Interactive logon: Machine inactivity limit' to '900 or fewer second(s)'",
  "Disable 'Anonymous enumeration of shares'",
  "Set 'LAN Manager authentication level' to 'Send NTLMv2 response only. Refuse LM & NTLM'",
  "Enable 'Microsoft network client: Digitally sign communications (always)'",
  "Enable 'Microsoft network server: Digitally sign communications (always)'",
  "Disable 'Turn on convenience PIN sign-in'",
  "Disable 'Solicited Remote Assistance'",
  "Set 'Remote Desktop security level' to 'SSL'",
  "Enable 'Require user authentication for remote connections by using Network Level Authentication'",
  "Disable 'Installation and configuration of Network Bridge on your DNS domain network'",
  "Set 'User Account Control: Behavior of the elevation prompt for administrators' to 'Prompt for consent on the secure desktop'",
  "Enable 'Audit Credential Validation' for Success and Failure",
  "Enable 'Audit Process Creation' for Success",
  "Enable 'Include command line in process creation events'",
  "Disable 'Allow Windows Ink Workspace'",
  "Disable the local storage of passwords and credentials",
  "Disable 'Continue running background apps when Google Chrome is closed'",
  "Block Win32 API calls from Office macros",
  "Block persistence through WMI event subscription",
  "Block process creations originating from PSExec and WMI commands",
  "Block Adobe Reader from creating child processes",
  "Block Office communication application from creating child processes",
  "Use advanced protection against ransomware",
  "Turn on behavior monitoring",
  "Turn on scan of all downloaded files and attachments",
  "Turn on Microsoft Defender SmartScreen for Microsoft Edge",
  "Disable 'Always install with elevated privileges'",
  "Disable IP source routing",
  "Disable 'Autorun' for all drives",
  "Set 'Minimum password age' to '1 or more day(s)'",
  "Enable 'Apply UAC restrictions to local accounts on network logons'",
  "Disable 'WDigest Authentication'",
  "Disable 'Configure Offer Remote Assistance'",
  "Set 'Enforce password history' to '24 or more password(s)'",
];

/** Software names used for synthetic "Update …" recommendations. */
export const SYNTHETIC_SOFTWARE: readonly string[] = [
  'Google Chrome', 'Mozilla Firefox', 'Adobe Acrobat Reader', '7-Zip', 'Notepad++', 'Zoom Workplace', 'VLC media player',
  'Oracle Java SE', 'Microsoft Teams (classic)', 'Microsoft 365 Apps', 'Windows 11', 'Windows Server 2022', 'OpenSSL',
  'Python', 'Node.js', 'Git for Windows', 'PuTTY', 'WinSCP', 'Slack', 'Webex', 'Citrix Workspace', 'Dell Command Update',
  'HP Support Assistant', 'Lenovo Vantage', 'Microsoft .NET Runtime', 'Visual Studio Code', 'FileZilla', 'KeePass',
  'TeamViewer', 'AnyDesk', 'Wireshark', 'Apache Tomcat', 'PostgreSQL', 'MySQL Server', 'Docker Desktop', 'macOS Sonoma',
  'Microsoft Edge WebView2', 'Microsoft OneDrive', 'Cisco Secure Client', 'Fortinet FortiClient',
];

// ---- Alerts v2 templates -------------------------------------------------------------------

export type EvidenceKind = 'device' | 'user' | 'file' | 'url' | 'ip' | 'mailbox' | 'oauthApp';
type Severity = 'unknown' | 'informational' | 'low' | 'medium' | 'high';

export interface AlertTemplate {
  serviceSource: string;
  /** Weighted detection sources; most templates have one. */
  detectionSources: readonly (readonly [string, number])[];
  productName: string;
  title: string;
  /** May contain {user}, {device}, {ip}, {country}, {count}, {url}. */
  description: string;
  category: string;
  mitreTechniques: string[];
  severities: readonly (readonly [Severity, number])[];
  evidence: EvidenceKind[];
  /** Determinations that fit a true positive of this kind, most likely first. */
  truePositive: string[];
  recommendedActions: string;
  /** Relative frequency in a tenant's alert queue. */
  weight: number;
  threatDisplayName?: string;
  threatFamilyName?: string;
  fileName?: string;
  /** Raised by a configured policy (alertPolicyId set). */
  policy?: boolean;
}

const MDE_NAME = 'Microsoft Defender for Endpoint';
const MDO_NAME = 'Microsoft Defender for Office 365';
const MDI_NAME = 'Microsoft Defender for Identity';
const MDCA_NAME = 'Microsoft Defender for Cloud Apps';
const XDR_NAME = 'Microsoft Defender XDR';
const IDP_NAME = 'Microsoft Entra ID Protection';
const APPG_NAME = 'App governance';
const DLP_NAME = 'Microsoft Data Loss Prevention';
const MDC_NAME = 'Microsoft Defender for Cloud';
const SENTINEL_NAME = 'Microsoft Sentinel';
const IRM_NAME = 'Microsoft Purview Insider Risk Management';
const MDTI_NAME = 'Microsoft Defender Threat Intelligence';
const AI_NAME = 'Microsoft Defender for AI';

const LOW_MED = [['low', 3], ['medium', 5], ['high', 1]] as const;
const MED_HIGH = [['medium', 4], ['high', 3]] as const;
const INFO_LOW = [['informational', 5], ['low', 3]] as const;

export const ALERT_TEMPLATES: readonly AlertTemplate[] = [
  // Defender for Endpoint
  {
    serviceSource: 'microsoftDefenderForEndpoint', detectionSources: [['microsoftDefenderForEndpoint', 1]], productName: MDE_NAME,
    title: 'Suspicious PowerShell command line', category: 'Execution', mitreTechniques: ['T1059.001', 'T1027'],
    description: 'A suspicious PowerShell command line with an encoded payload was started on {device} by {user}.',
    severities: LOW_MED, evidence: ['device', 'user', 'file'], truePositive: ['malware', 'multiStagedAttack', 'other'],
    recommendedActions: 'Review the process tree on the device timeline. If the command is not expected, isolate the device and collect an investigation package.',
    weight: 6, fileName: 'powershell.exe',
  },
  {
    serviceSource: 'microsoftDefenderForEndpoint', detectionSources: [['antivirus', 1]], productName: MDE_NAME,
    title: "'Wacatac' malware was prevented", category: 'Malware', mitreTechniques: [],
    description: 'Microsoft Defender Antivirus prevented Trojan:Win32/Wacatac.B!ml from running on {device}.',
    severities: [['informational', 3], ['low', 5]], evidence: ['device', 'file'], truePositive: ['malware'],
    recommendedActions: 'No action is needed if the threat was prevented. Run a full scan and check where the file came from.',
    weight: 5, threatDisplayName: 'Trojan:Win32/Wacatac.B!ml', threatFamilyName: 'Wacatac', fileName: 'invoice_scan_0413.exe',
  },
  {
    serviceSource: 'microsoftDefenderForEndpoint', detectionSources: [['antivirus', 1]], productName: MDE_NAME,
    title: "An active 'Emotet' malware was detected", category: 'Malware', mitreTechniques: ['T1204.002'],
    description: 'Microsoft Defender Antivirus detected an active Emotet sample on {device}. The file was opened from an email attachment.',
    severities: [['medium', 3], ['high', 2]], evidence: ['device', 'file', 'user'], truePositive: ['malware'],
    recommendedActions: 'Isolate the device, run a full antivirus scan and reset credentials of signed-in users.',
    weight: 2, threatDisplayName: 'Trojan:W97M/Emotet.RVB!MTB', threatFamilyName: 'Emotet', fileName: 'Remittance_Advice.docm',
  },
  {
    serviceSource: 'microsoftDefenderForEndpoint', detectionSources: [['microsoftDefenderForEndpoint', 1]], productName: MDE_NAME,
    title: 'Suspicious process injection observed', category: 'DefenseEvasion', mitreTechniques: ['T1055', 'T1055.012'],
    description: 'A process on {device} injected code into another process, a technique used to hide malicious activity.',
    severities: MED_HIGH, evidence: ['device', 'file'], truePositive: ['malware', 'multiStagedAttack'],
    recommendedActions: 'Check the injecting process and its parent. Collect a memory dump if the process is unknown.',
    weight: 2, fileName: 'rundll32.exe',
  },
  {
    serviceSource: 'microsoftDefenderForEndpoint', detectionSources: [['microsoftDefenderForEndpoint', 1]], productName: MDE_NAME,
    title: 'Suspicious scheduled task', category: 'Persistence', mitreTechniques: ['T1053.005'],
    description: 'A scheduled task that runs a script from a user-writable folder was created on {device}.',
    severities: LOW_MED, evidence: ['device', 'user'], truePositive: ['malware', 'unwantedSoftware'],
    recommendedActions: 'Verify who created the task and whether the script is legitimate. Remove the task if not.',
    weight: 3,
  },
  {
    serviceSource: 'microsoftDefenderForEndpoint', detectionSources: [['microsoftDefenderForEndpoint', 1]], productName: MDE_NAME,
    title: 'Malicious credential theft tool execution detected', category: 'CredentialAccess', mitreTechniques: ['T1003.001'],
    description: 'A known credential theft tool was run on {device}; it can dump credentials from LSASS memory.',
    severities: [['high', 1]], evidence: ['device', 'file', 'user'], truePositive: ['multiStagedAttack', 'malware', 'apt'],
    recommendedActions: 'Isolate the device immediately, reset passwords of all accounts that signed in to it and check for lateral movement.',
    weight: 1, fileName: 'mimikatz.exe',
  },
  {
    serviceSource: 'microsoftDefenderForEndpoint', detectionSources: [['microsoftDefenderForEndpoint', 1]], productName: MDE_NAME,
    title: 'Ransomware behavior detected in the file system', category: 'Ransomware', mitreTechniques: ['T1486'],
    description: 'Files on {device} were renamed and encrypted in rapid succession, consistent with ransomware.',
    severities: [['high', 1]], evidence: ['device', 'file', 'user'], truePositive: ['malware', 'multiStagedAttack'],
    recommendedActions: 'Isolate the device, stop the offending process and restore files from backup.',
    weight: 0.4, fileName: 'svchosts.exe',
  },
  {
    serviceSource: 'microsoftDefenderForEndpoint', detectionSources: [['smartScreen', 1]], productName: MDE_NAME,
    title: 'Connection to a custom network indicator was blocked', category: 'CommandAndControl', mitreTechniques: ['T1071.001'],
    description: 'Network protection blocked a connection from {device} to {url}.',
    severities: INFO_LOW, evidence: ['device', 'url'], truePositive: ['malware', 'phishing'],
    recommendedActions: 'Check which process made the connection and whether the user clicked a link.',
    weight: 3,
  },
  {
    serviceSource: 'microsoftDefenderForEndpoint', detectionSources: [['antivirus', 1]], productName: MDE_NAME,
    title: "'CoinMiner' potentially unwanted application was blocked", category: 'Malware', mitreTechniques: ['T1496'],
    description: 'A cryptocurrency miner bundled with freeware was blocked on {device}.',
    severities: INFO_LOW, evidence: ['device', 'file'], truePositive: ['unwantedSoftware'],
    recommendedActions: 'Uninstall the bundling application and review software installation policies.',
    weight: 2, threatDisplayName: 'PUA:Win32/CoinMiner', threatFamilyName: 'CoinMiner', fileName: 'free_pdf_converter_setup.exe',
  },
  {
    serviceSource: 'microsoftDefenderForEndpoint', detectionSources: [['microsoftDefenderForEndpoint', 1]], productName: MDE_NAME,
    title: 'Attempt to turn off Microsoft Defender Antivirus protection', category: 'DefenseEvasion', mitreTechniques: ['T1562.001'],
    description: 'A process on {device} attempted to disable real-time protection by changing registry settings.',
    severities: MED_HIGH, evidence: ['device', 'user'], truePositive: ['malware', 'maliciousUserActivity'],
    recommendedActions: 'Confirm that Tamper Protection is on and find out who made the change.',
    weight: 1,
  },
  // Defender for Office 365
  {
    serviceSource: 'microsoftDefenderForOffice365', detectionSources: [['microsoftDefenderForOffice365', 1]], productName: MDO_NAME,
    title: 'Email messages containing malicious URL removed after delivery', category: 'InitialAccess', mitreTechniques: ['T1566.002'],
    description: 'Emails with a malicious URL were delivered and later removed by zero-hour auto purge from {count} mailboxes.',
    severities: [['informational', 3], ['medium', 2]], evidence: ['mailbox', 'url'], truePositive: ['phishing'],
    recommendedActions: 'Check whether recipients clicked the URL; reset credentials for any user who entered them.',
    weight: 7, policy: true,
  },
  {
    serviceSource: 'microsoftDefenderForOffice365', detectionSources: [['microsoftDefenderForOffice365', 1]], productName: MDO_NAME,
    title: 'Email messages containing malware removed after delivery', category: 'InitialAccess', mitreTechniques: ['T1566.001'],
    description: 'Emails with a malicious attachment were removed after delivery from {count} mailboxes.',
    severities: [['informational', 3], ['medium', 2]], evidence: ['mailbox', 'file'], truePositive: ['malware', 'phishing'],
    recommendedActions: 'Check whether recipients opened the attachment and scan their devices.',
    weight: 4, policy: true, fileName: 'Payment_Confirmation.html',
  },
  {
    serviceSource: 'microsoftDefenderForOffice365', detectionSources: [['microsoftDefenderForOffice365', 1]], productName: MDO_NAME,
    title: 'A potentially malicious URL click was detected', category: 'InitialAccess', mitreTechniques: ['T1204.001', 'T1566.002'],
    description: '{user} clicked a link in an email that was later identified as malicious: {url}.',
    severities: [['high', 1]], evidence: ['user', 'url', 'mailbox'], truePositive: ['phishing', 'compromisedAccount'],
    recommendedActions: 'Reset the user\'s password, revoke sessions and review sign-ins after the click.',
    weight: 2, policy: true,
  },
  {
    serviceSource: 'microsoftDefenderForOffice365', detectionSources: [['microsoftDefenderForOffice365', 1]], productName: MDO_NAME,
    title: 'Email reported by user as malware or phish', category: 'InitialAccess', mitreTechniques: ['T1566'],
    description: '{user} reported an email as phishing.',
    severities: [['informational', 1]], evidence: ['mailbox', 'user'], truePositive: ['phishing'],
    recommendedActions: 'Review the reported message in the Submissions page.',
    weight: 6, policy: true,
  },
  {
    serviceSource: 'microsoftDefenderForOffice365', detectionSources: [['microsoftDefenderForOffice365', 1]], productName: MDO_NAME,
    title: 'User restricted from sending email', category: 'InitialAccess', mitreTechniques: ['T1078', 'T1114'],
    description: '{user} exceeded outbound spam limits and was restricted from sending email.',
    severities: [['high', 1]], evidence: ['user', 'mailbox'], truePositive: ['compromisedAccount'],
    recommendedActions: 'Secure the account, remove malicious inbox rules and release the user from the Restricted entities page.',
    weight: 1, policy: true,
  },
  // Defender for Identity
  {
    serviceSource: 'microsoftDefenderForIdentity', detectionSources: [['microsoftDefenderForIdentity', 1]], productName: MDI_NAME,
    title: 'Suspected Brute Force attack (Kerberos, NTLM)', category: 'CredentialAccess', mitreTechniques: ['T1110', 'T1110.003'],
    description: 'Many authentication failures for {count} accounts were seen from {device}.',
    severities: [['medium', 1]], evidence: ['device', 'user'], truePositive: ['compromisedAccount', 'maliciousUserActivity'],
    recommendedActions: 'Check the source computer for malware and enforce strong passwords.',
    weight: 2,
  },
  {
    serviceSource: 'microsoftDefenderForIdentity', detectionSources: [['microsoftDefenderForIdentity', 1]], productName: MDI_NAME,
    title: 'Account enumeration reconnaissance', category: 'Discovery', mitreTechniques: ['T1087.002'],
    description: '{device} enumerated {count} account names against a domain controller.',
    severities: [['medium', 2], ['low', 1]], evidence: ['device', 'user'], truePositive: ['multiStagedAttack', 'other'],
    recommendedActions: 'Find the process that made the requests on the source computer.',
    weight: 1.5,
  },
  {
    serviceSource: 'microsoftDefenderForIdentity', detectionSources: [['microsoftDefenderForIdentity', 1]], productName: MDI_NAME,
    title: 'Suspected DCSync attack (replication of directory services)', category: 'CredentialAccess', mitreTechniques: ['T1003.006'],
    description: '{user} sent a replication request from {device}, which is not a domain controller.',
    severities: [['high', 1]], evidence: ['device', 'user'], truePositive: ['apt', 'multiStagedAttack'],
    recommendedActions: 'Isolate the source computer and reset the KRBTGT password twice.',
    weight: 0.4,
  },
  {
    serviceSource: 'microsoftDefenderForIdentity', detectionSources: [['microsoftDefenderForIdentity', 1]], productName: MDI_NAME,
    title: 'Security principal reconnaissance (LDAP)', category: 'Discovery', mitreTechniques: ['T1069.002', 'T1087.002'],
    description: 'Suspicious LDAP queries for privileged groups were sent from {device}.',
    severities: LOW_MED, evidence: ['device', 'user'], truePositive: ['multiStagedAttack', 'other'],
    recommendedActions: 'Check whether the querying process is an approved administration or audit tool.',
    weight: 1.5,
  },
  // Defender for Cloud Apps
  {
    serviceSource: 'microsoftDefenderForCloudApps', detectionSources: [['cloudAppSecurity', 1]], productName: MDCA_NAME,
    title: 'Impossible travel activity', category: 'InitialAccess', mitreTechniques: ['T1078'],
    description: '{user} signed in from {country} within minutes of a sign-in from the usual location.',
    severities: LOW_MED, evidence: ['user', 'ip'], truePositive: ['compromisedAccount'],
    recommendedActions: 'Confirm with the user whether they use a VPN; otherwise reset credentials and revoke sessions.',
    weight: 4,
  },
  {
    serviceSource: 'microsoftDefenderForCloudApps', detectionSources: [['cloudAppSecurity', 1]], productName: MDCA_NAME,
    title: 'Activity from infrequent country', category: 'InitialAccess', mitreTechniques: ['T1078'],
    description: '{user} performed activity from {country}, a country not seen in the organisation recently.',
    severities: INFO_LOW, evidence: ['user', 'ip'], truePositive: ['compromisedAccount'],
    recommendedActions: 'Check whether the user is travelling.',
    weight: 3,
  },
  {
    serviceSource: 'microsoftDefenderForCloudApps', detectionSources: [['cloudAppSecurity', 1]], productName: MDCA_NAME,
    title: 'Mass download by a single user', category: 'Exfiltration', mitreTechniques: ['T1530'],
    description: '{user} downloaded {count} files from SharePoint and OneDrive in a short time.',
    severities: LOW_MED, evidence: ['user', 'ip'], truePositive: ['maliciousUserActivity', 'compromisedAccount'],
    recommendedActions: 'Check the files downloaded and whether the user is leaving the organisation.',
    weight: 2, policy: true,
  },
  {
    serviceSource: 'microsoftDefenderForCloudApps', detectionSources: [['cloudAppSecurity', 1]], productName: MDCA_NAME,
    title: 'Suspicious inbox manipulation rule', category: 'DefenseEvasion', mitreTechniques: ['T1564.008', 'T1114.003'],
    description: '{user} created an inbox rule that moves messages containing "invoice" or "payment" to RSS Feeds.',
    severities: MED_HIGH, evidence: ['user', 'mailbox', 'ip'], truePositive: ['compromisedAccount', 'phishing'],
    recommendedActions: 'Remove the rule, reset the password and review recent sent items.',
    weight: 1,
  },
  {
    serviceSource: 'microsoftDefenderForCloudApps', detectionSources: [['cloudAppSecurity', 1]], productName: MDCA_NAME,
    title: 'Unusual file deletion activity (by user)', category: 'Impact', mitreTechniques: ['T1485'],
    description: '{user} deleted {count} files in a single session.',
    severities: LOW_MED, evidence: ['user', 'ip'], truePositive: ['maliciousUserActivity'],
    recommendedActions: 'Restore the files from the recycle bin and talk to the user.',
    weight: 1,
  },
  // Defender XDR correlations and custom detections
  {
    serviceSource: 'microsoft365Defender', detectionSources: [['microsoft365Defender', 1]], productName: XDR_NAME,
    title: 'Possible AiTM phishing attempt', category: 'InitialAccess', mitreTechniques: ['T1557', 'T1566.002'],
    description: '{user} signed in through an adversary-in-the-middle phishing site ({url}).',
    severities: [['high', 1]], evidence: ['user', 'url', 'ip'], truePositive: ['phishing', 'compromisedAccount'],
    recommendedActions: 'Revoke all sessions, reset the password and re-register MFA methods.',
    weight: 1,
  },
  {
    serviceSource: 'microsoft365Defender', detectionSources: [['microsoft365Defender', 1]], productName: XDR_NAME,
    title: 'Suspicious emails sent by BEC-related user', category: 'Exfiltration', mitreTechniques: ['T1534'],
    description: '{user} sent emails with payment-change requests after a risky sign-in from {ip}.',
    severities: [['high', 1]], evidence: ['user', 'mailbox', 'ip'], truePositive: ['compromisedAccount', 'phishing'],
    recommendedActions: 'Contact the recipients, secure the account and block the sender IP.',
    weight: 0.6,
  },
  {
    serviceSource: 'microsoft365Defender', detectionSources: [['customDetection', 1]], productName: XDR_NAME,
    title: 'Custom detection: Global Administrator role assigned outside change window', category: 'PrivilegeEscalation',
    mitreTechniques: ['T1098.003'],
    description: '{user} was added to the Global Administrator role outside the approved change window.',
    severities: [['medium', 1]], evidence: ['user'], truePositive: ['maliciousUserActivity', 'other'],
    recommendedActions: 'Verify the change ticket; remove the assignment if it is not approved.',
    weight: 1,
  },
  // Entra ID Protection
  {
    serviceSource: 'azureAdIdentityProtection', detectionSources: [['azureAdIdentityProtection', 1]], productName: IDP_NAME,
    title: 'Atypical travel', category: 'InitialAccess', mitreTechniques: ['T1078'],
    description: 'Sign-ins for {user} from {country} and the usual location are too far apart in time.',
    severities: LOW_MED, evidence: ['user', 'ip'], truePositive: ['compromisedAccount'],
    recommendedActions: 'Confirm the sign-in with the user or mark the user compromised.',
    weight: 5,
  },
  {
    serviceSource: 'azureAdIdentityProtection', detectionSources: [['azureAdIdentityProtection', 1]], productName: IDP_NAME,
    title: 'Anonymous IP address', category: 'InitialAccess', mitreTechniques: ['T1078', 'T1090.003'],
    description: '{user} signed in from an anonymous proxy or Tor exit node ({ip}).',
    severities: INFO_LOW, evidence: ['user', 'ip'], truePositive: ['compromisedAccount'],
    recommendedActions: 'Require MFA for sign-ins from anonymous IP addresses.',
    weight: 4,
  },
  {
    serviceSource: 'azureAdIdentityProtection', detectionSources: [['azureAdIdentityProtection', 1]], productName: IDP_NAME,
    title: 'Password spray', category: 'CredentialAccess', mitreTechniques: ['T1110.003'],
    description: 'A password spray attack from {ip} targeted {count} accounts, including {user}.',
    severities: MED_HIGH, evidence: ['user', 'ip'], truePositive: ['compromisedAccount', 'other'],
    recommendedActions: 'Reset passwords of targeted accounts that signed in successfully and block legacy authentication.',
    weight: 1.5,
  },
  {
    serviceSource: 'azureAdIdentityProtection', detectionSources: [['azureAdIdentityProtection', 1]], productName: IDP_NAME,
    title: 'Unfamiliar sign-in properties', category: 'InitialAccess', mitreTechniques: ['T1078'],
    description: '{user} signed in with an unfamiliar combination of location, IP address and browser.',
    severities: INFO_LOW, evidence: ['user', 'ip'], truePositive: ['compromisedAccount'],
    recommendedActions: 'Confirm the sign-in with the user.',
    weight: 4,
  },
  {
    serviceSource: 'azureAdIdentityProtection', detectionSources: [['azureAdIdentityProtection', 1]], productName: IDP_NAME,
    title: 'Leaked credentials', category: 'CredentialAccess', mitreTechniques: ['T1589.001'],
    description: 'Credentials for {user} were found in a public leak.',
    severities: [['high', 1]], evidence: ['user'], truePositive: ['compromisedAccount'],
    recommendedActions: 'Force a password reset for the user.',
    weight: 0.5,
  },
  // App governance
  {
    serviceSource: 'microsoftAppGovernance', detectionSources: [['appGovernanceDetection', 1]], productName: APPG_NAME,
    title: 'App with suspicious OAuth scope made Graph calls to read email', category: 'Collection', mitreTechniques: ['T1114.002', 'T1528'],
    description: 'An OAuth app consented to by {user} read email from {count} mailboxes through Microsoft Graph.',
    severities: MED_HIGH, evidence: ['oauthApp', 'user'], truePositive: ['maliciousUserActivity', 'compromisedAccount'],
    recommendedActions: 'Disable the app and revoke its consent grants.',
    weight: 0.8,
  },
  {
    serviceSource: 'microsoftAppGovernance', detectionSources: [['appGovernancePolicy', 1]], productName: APPG_NAME,
    title: 'Increase in app API calls to Exchange', category: 'Collection', mitreTechniques: ['T1114'],
    description: 'Graph API calls to Exchange by an app increased sharply over the last 7 days.',
    severities: INFO_LOW, evidence: ['oauthApp'], truePositive: ['other'],
    recommendedActions: 'Check with the app owner whether the increase is expected.',
    weight: 1, policy: true,
  },
  {
    serviceSource: 'microsoftAppGovernance', detectionSources: [['appGovernanceDetection', 1]], productName: APPG_NAME,
    title: 'Unusual addition of credentials to an OAuth app', category: 'Persistence', mitreTechniques: ['T1098.001'],
    description: '{user} added a client secret to an OAuth app with high privileges.',
    severities: [['medium', 1]], evidence: ['oauthApp', 'user'], truePositive: ['compromisedAccount', 'maliciousUserActivity'],
    recommendedActions: 'Remove the credential if it was not expected and review the app\'s sign-ins.',
    weight: 0.6,
  },
  // Purview DLP
  {
    serviceSource: 'dataLossPrevention', detectionSources: [['microsoftDataLossPrevention', 1]], productName: DLP_NAME,
    title: "DLP policy (U.S. Financial Data) matched for email", category: 'Exfiltration', mitreTechniques: [],
    description: 'An email from {user} to an external recipient contained {count} credit card numbers.',
    severities: LOW_MED, evidence: ['user', 'mailbox'], truePositive: ['maliciousUserActivity', 'other'],
    recommendedActions: 'Review the message and contact the user if the sharing was not justified.',
    weight: 3, policy: true,
  },
  {
    serviceSource: 'dataLossPrevention', detectionSources: [['microsoftDataLossPrevention', 1]], productName: DLP_NAME,
    title: 'DLP policy (Client Confidential) matched for document in SharePoint', category: 'Exfiltration', mitreTechniques: [],
    description: 'A document labelled Confidential was shared by {user} with an anonymous link.',
    severities: LOW_MED, evidence: ['user', 'file'], truePositive: ['maliciousUserActivity', 'other'],
    recommendedActions: 'Remove the anonymous link and remind the user of the sharing policy.',
    weight: 2, policy: true, fileName: 'Engagement Letter - Fabrikam.docx',
  },
  {
    serviceSource: 'dataLossPrevention', detectionSources: [['microsoftDataLossPrevention', 1]], productName: DLP_NAME,
    title: 'DLP policy (Endpoint - Block USB) matched for file copied to removable media', category: 'Exfiltration',
    mitreTechniques: ['T1052.001'],
    description: '{user} copied a sensitive file to a USB drive on {device}.',
    severities: [['medium', 1]], evidence: ['user', 'device', 'file'], truePositive: ['maliciousUserActivity'],
    recommendedActions: 'Confirm the business justification with the user\'s manager.',
    weight: 1, policy: true, fileName: 'Payroll_2026_Q1.xlsx',
  },
  // Defender for Cloud (evolvable member)
  {
    serviceSource: 'microsoftDefenderForCloud', detectionSources: [['microsoftDefenderForServers', 3], ['microsoftDefenderForCloud', 1]],
    productName: MDC_NAME,
    title: 'Suspicious authentication activity', category: 'CredentialAccess', mitreTechniques: ['T1110'],
    description: 'Many failed RDP sign-ins to {device} from {ip} were followed by a successful one.',
    severities: [['medium', 4], ['high', 2], ['unknown', 1]], evidence: ['device', 'ip'], truePositive: ['compromisedAccount', 'other'],
    recommendedActions: 'Enable just-in-time VM access and reset the local administrator password.',
    weight: 1,
  },
  {
    serviceSource: 'microsoftDefenderForCloud', detectionSources: [['microsoftDefenderForKeyVault', 1]], productName: MDC_NAME,
    title: 'Access from a TOR exit node to a key vault', category: 'CredentialAccess', mitreTechniques: ['T1555'],
    description: 'A key vault was accessed from {ip}, a known TOR exit node.',
    severities: [['high', 3], ['unknown', 1]], evidence: ['ip', 'user'], truePositive: ['compromisedAccount'],
    recommendedActions: 'Rotate secrets in the key vault and restrict network access.',
    weight: 0.4,
  },
  // Sentinel (evolvable member)
  {
    serviceSource: 'microsoftSentinel', detectionSources: [['scheduledAlerts', 3], ['nrtAlerts', 1]], productName: SENTINEL_NAME,
    title: 'Sign-ins from IPs that attempt sign-ins to disabled accounts', category: 'InitialAccess', mitreTechniques: ['T1078.004'],
    description: '{ip} attempted sign-ins to disabled accounts and then signed in as {user}.',
    severities: [['medium', 3], ['unknown', 2]], evidence: ['user', 'ip'], truePositive: ['compromisedAccount'],
    recommendedActions: 'Block the IP address and check the successful sign-in.',
    weight: 1.2,
  },
  {
    serviceSource: 'microsoftSentinel', detectionSources: [['scheduledAlerts', 1]], productName: SENTINEL_NAME,
    title: 'Rare RDP connections', category: 'LateralMovement', mitreTechniques: ['T1021.001'],
    description: '{device} accepted an RDP connection from a host it has not talked to in 14 days.',
    severities: [['low', 3], ['unknown', 2]], evidence: ['device', 'ip'], truePositive: ['multiStagedAttack', 'other'],
    recommendedActions: 'Check whether the connection was part of planned administration.',
    weight: 1.2,
  },
];

/**
 * Sources the v1.0 metadata adds after microsoftSentinel (the docs' enum page lists none of these
 * three). Apart from ALERT_TEMPLATES so the rest of the sample tenant stays as it was: one alert
 * each, resolved and older than the default 30 days.
 */
export const LATER_SOURCE_TEMPLATES: readonly AlertTemplate[] = [
  {
    serviceSource: 'microsoftInsiderRiskManagement', detectionSources: [['microsoftInsiderRiskManagement', 1]], productName: IRM_NAME,
    title: 'Data exfiltration by departing user', category: 'Exfiltration', mitreTechniques: ['T1567'],
    description: '{user} downloaded {count} files from SharePoint and copied them to a personal cloud service after giving notice.',
    severities: [['medium', 3], ['high', 1]], evidence: ['user', 'file'], truePositive: ['maliciousUserActivity', 'other'],
    recommendedActions: 'Review the activity with HR and legal before contacting the user.',
    weight: 0.3,
  },
  {
    serviceSource: 'microsoftThreatIntelligence', detectionSources: [['microsoftThreatIntelligence', 1]], productName: MDTI_NAME,
    title: 'Connection to infrastructure of a tracked threat actor', category: 'CommandAndControl', mitreTechniques: ['T1071'],
    description: '{device} connected to {ip}, which threat intelligence attributes to a tracked actor.',
    severities: [['high', 2], ['medium', 1]], evidence: ['device', 'ip'], truePositive: ['apt', 'malware'],
    recommendedActions: 'Isolate the device and hunt for the same indicator across the tenant.',
    weight: 0.3,
  },
  {
    serviceSource: 'microsoftSecurityForAI', detectionSources: [['microsoftDefenderForAIServices', 1]], productName: AI_NAME,
    title: 'Jailbreak attempt on an Azure OpenAI deployment', category: 'Execution', mitreTechniques: [],
    description: 'A prompt from {ip} tried to bypass the system instructions of a model deployment {count} times.',
    severities: [['medium', 3], ['low', 2]], evidence: ['ip'], truePositive: ['maliciousUserActivity', 'securityTesting'],
    recommendedActions: 'Review the prompts and restrict who can call the deployment.',
    weight: 0.3,
  },
];

// ---- Name vocabularies ---------------------------------------------------------------------

/** Microsoft demo-tenant names first: the partner's own security team. */
export const STAFF_NAMES: readonly [string, string][] = [
  ['Megan', 'Bowen'], ['Alex', 'Wilber'], ['Lee', 'Gu'], ['Isaiah', 'Langer'], ['Adele', 'Vance'], ['Nestor', 'Wilke'],
  ['Patti', 'Fernandez'], ['Lynne', 'Robbins'], ['Diego', 'Siciliani'], ['Grady', 'Archie'], ['Johanna', 'Lorenz'],
  ['Joni', 'Sherman'], ['Lidia', 'Holloway'], ['Miriam', 'Graham'], ['Pradeep', 'Gupta'], ['Henrietta', 'Mueller'],
];

export const FIRST_NAMES: readonly string[] = [
  'Aaron', 'Abigail', 'Ahmed', 'Aiko', 'Amara', 'Ana', 'Ben', 'Bianca', 'Carlos', 'Chen', 'Chloe', 'Daniel', 'Elena', 'Emeka',
  'Emma', 'Farah', 'Gabriel', 'Hannah', 'Hiroshi', 'Ines', 'Ivan', 'Jasmine', 'Jonas', 'Kai', 'Kavya', 'Laura', 'Liam', 'Lucia',
  'Marcus', 'Maya', 'Mohammed', 'Nadia', 'Noah', 'Olivia', 'Omar', 'Priya', 'Rafael', 'Ruth', 'Samuel', 'Sofia', 'Tariq',
  'Thomas', 'Uma', 'Victor', 'Wei', 'Yara', 'Zoe', 'Zane',
];

export const LAST_NAMES: readonly string[] = [
  'Abbott', 'Adeyemi', 'Alvarez', 'Andersen', 'Bauer', 'Becker', 'Brooks', 'Carter', 'Castillo', 'Chowdhury', 'Clarke',
  'Dubois', 'Edwards', 'Fischer', 'Fitzgerald', 'Garcia', 'Hansen', 'Hughes', 'Ibrahim', 'Jensen', 'Kapoor', 'Kim', 'Kowalski',
  'Lambert', 'Larsen', 'Martin', 'Meyer', 'Morales', 'Nakamura', 'Nguyen', 'Novak', 'O\'Brien', 'Okafor', 'Patel', 'Petrov',
  'Quinn', 'Rossi', 'Santos', 'Schmidt', 'Silva', 'Tanaka', 'Turner', 'Varga', 'Walsh', 'Weber', 'Yilmaz', 'Zhang',
];

/** First half of customer company names. 100 × 70 suffixes = 7,000 distinct names. */
export const COMPANY_PREFIXES: readonly string[] = [
  'Fabrikam', 'Northwind', 'Adventure Works', 'Tailspin', 'Wingtip', 'Litware', 'Proseware', 'Alpine Ski House', 'Coho',
  'Woodgrove', 'Lucerne', 'Trey', 'Fourth Coffee', 'Wide World', 'Blue Yonder', 'Relecloud', 'Humongous', 'VanArsdel',
  'Southridge', 'Bellows', 'Munson', 'Consolidated', 'City Power', 'A. Datum', 'Lamna', 'Fincher', 'Nod', 'Olympia', 'Parnell',
  'Tailwind', 'Contour', 'Graphic Arts', 'Margie', 'Ashford', 'Brightwater', 'Cedar Ridge', 'Harbor Point', 'Maple Grove',
  'Redwood', 'Silver Lake', 'Stonebridge', 'Summit', 'Willow Creek', 'Riverside', 'Lakeshore', 'Oakmont', 'Pinecrest', 'Kingsley',
  'Hawthorne', 'Beaumont', 'Whitfield', 'Greenfield', 'Bayview', 'Clearwater', 'Eastgate', 'Fairview', 'Glenwood', 'Highland',
  'Ironwood', 'Juniper', 'Kestrel', 'Lakeview', 'Meridian', 'Northgate', 'Orchard', 'Parkside', 'Quarry Hill', 'Ravenwood',
  'Sandstone', 'Thornbury', 'Upland', 'Valley Forge', 'Westbrook', 'Yellowstone', 'Zenith', 'Amberley', 'Blackstone', 'Copperfield',
  'Dunmore', 'Elmhurst', 'Foxglove', 'Granite Peak', 'Heron Bay', 'Ivy Lane', 'Jasper', 'Kingsbridge', 'Larkspur', 'Millbrook',
  'Newhaven', 'Old Mill', 'Pemberton', 'Queensway', 'Rosewood', 'Seabright', 'Tidewater', 'Union Square', 'Vantage', 'Wexford',
  'Yarrow', 'Aldergrove',
];

export const COMPANY_SUFFIXES: readonly string[] = [
  'Dental Group', 'Logistics', 'Legal LLP', 'Family Medicine', 'Construction', 'Accounting', 'Realty', 'Veterinary Clinic',
  'Engineering', 'Architects', 'Insurance Brokers', 'Bakery', 'Auto Repair', 'Marketing', 'Manufacturing', 'Foods', 'Pharmacy',
  'Hotels', 'Travel', 'Consulting', 'Capital Partners', 'Credit Union', 'Orthodontics', 'Physical Therapy', 'Landscaping',
  'Plumbing & Heating', 'Electric', 'Law Group', 'Wealth Management', 'Property Management', 'Dermatology', 'Eye Care',
  'Pediatrics', 'Catering', 'Brewing Company', 'Winery', 'Fitness', 'Academy', 'Montessori School', 'Printing', 'Media',
  'Design Studio', 'Surveying', 'Trucking', 'Freight', 'Warehousing', 'Tool & Die', 'Machining', 'Plastics', 'Textiles',
  'Furniture', 'Flooring', 'Roofing', 'HVAC Services', 'Home Health', 'Senior Living', 'Chiropractic', 'Animal Hospital',
  'Tax Advisors', 'Payroll Services', 'Staffing', 'Recruiting', 'Nonprofit Foundation', 'Community Church', 'Museum',
  'Marine Supply', 'Aviation Services', 'Solar', 'Environmental Services', 'Labs',
];
