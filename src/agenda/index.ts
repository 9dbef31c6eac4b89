// Public API of the collectors' agenda.
export { planAgenda, byPriority } from './plan.js';
export { planScenarioSteps, nextStep, sendCountsFor } from './plan-scenario.js';
export { planQualificationFollowUps } from './plan-qualification.js';
export { planMlSuggestions, INBOUND_FIELD_NAMES } from './plan-ml.js';
export { loadPlanningFacts, type PlanningScope } from './facts.js';
export { readSteps, stepsProblem } from './steps.js';
export { materialiseSuggestions, upsertTasks, type MaterialiseResult } from './materialise.js';
export { agendaTasks, plannedLive, groupIdOf, groupMemberIds, readAgenda, scopedCustomerIds, type Agenda, type AgendaItem, type AgendaQuery } from './read.js';
export { byAccount, type Account, type AccountTask } from './accounts.js';
export { accountsTable, tasksTable } from './exports.js';
export { closeAction, closeSuggestion, collectorIdOf, type ClosedAction, type Closing } from './close.js';
export { AGENDA_PLAN_JOB, makeAgendaPlanHandler, planningDay, planAndMaterialise, type AgendaPlanJobData, type AgendaPlanResult } from './plan-job.js';
export { agendaPolicy, DEFAULT_AGENDA_POLICY, type AgendaPolicy, type AgendaPolicyOverrides } from './policy.js';
export type * from './types.js';
