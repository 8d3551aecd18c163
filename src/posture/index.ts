// Posture as code: the model of a desired-state file (parse, validate, plan, drift, apply,
// format, export). No `vscode` import: the editor and the command-line tool share it.
export type {
  AlertRule, ControlEntry, PostureDoc, PostureFix, PostureProblem, ProblemCode, ProblemSeverity, TenantSelector, TextEdit, TextRange,
} from './types';
export {
  CONTROL_KEYS, FILE_STATES, MAX_FILE_CHARS, MAX_FLOW_DEPTH, MAX_PROBLEMS, parsePosture, Positions, POSTURE_VERSION, RULE_KEYS, SET_KEYS,
  stateFromFile, TENANTS_ALL_CUSTOMERS, TENANTS_CURRENT, TOP_KEYS, type ParseResult,
} from './parse';
export { addFieldEdit, COMMENT_PLACEHOLDER, expiryEnd, hasErrors, isExpired, validatePosture, type ValidationContext } from './validate';
export {
  CUSTOMERS_NOT_LOADED, driftOf, loadTenants, NOT_SIGNED_IN, planPosture, planTenant, ruleQueries, scoreEffect, tenantTargets,
  type ControlPlanItem, type ControlStatus, type DriftKind, type DriftMark, type PosturePlan, type PostureTenant, type RulePlan,
  type ScoreEffect, type ScoreLine, type TenantLoader, type TenantPlan, type TenantTarget, type UnavailableTenant, type UnavailableTenantPlan,
} from './plan';
export {
  applyConfirmation, applyCounts, applyPosturePlan, applyResults, DETAIL_LINES, MESSAGE_TENANTS, type ApplyOptions, type LeftOut, type PostureApplyResult, type TenantApplyResult,
} from './apply';
export { exportPosture, formatPlan, type PlanFormat } from './format';
export { clip, closest } from './text';
