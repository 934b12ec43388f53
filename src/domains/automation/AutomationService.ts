import { AutomationRule, AutomationRun } from '../../../entities/index.js';
import type {
  AutomationAction,
  AutomationCondition,
  AutomationTriggerConfig,
} from '../../../entities/AutomationParts.js';
import type { AutomationTrigger } from '../../../entities/enums.js';
import type { Page, PageRequest } from '../../../entities/pagination.js';
import { ValidationError } from '../../platform/errors/index.js';
import * as v from '../../platform/validate.js';
import { findOrNotFound, requireActor, type ServiceScope } from '../scope.js';
import { AutomationEngine } from './AutomationEngine.js';
import { kickAutomation } from './automation-feed.js';
import { validateActions, validateConditions, validateTriggerConfig } from './rule-validation.js';

export interface RuleFields {
  name?: string | null;
  trigger?: AutomationTrigger | null;
  triggerConfig?: AutomationTriggerConfig | null;
  conditions?: AutomationCondition[] | null;
  actions?: AutomationAction[] | null;
  enabled?: boolean | null;
}

/**
 * Automation rules: made, changed, turned on and off, and their runs. Rules are evaluated by the
 * `automation-run` job (AutomationEngine) off the events the database records for each change.
 */
export class AutomationService {
  constructor(private readonly scope: ServiceScope) {}

  get(id: string): Promise<AutomationRule> {
    return findOrNotFound(this.scope.em, AutomationRule, id, 'AutomationRule');
  }

  list(): Promise<AutomationRule[]> {
    return this.scope.em.find(AutomationRule, {}, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  /** Checked whole before anything is saved: a bad part is BAD_USER_INPUT naming it (`input.actions[1].userId`). */
  async create(input: RuleFields): Promise<AutomationRule> {
    const actor = requireActor(this.scope);
    if (!input.trigger) throw new ValidationError('input.trigger is required', 'input.trigger');
    const rule = this.scope.em.create(AutomationRule, {
      name: v.requiredText(input.name ?? '', 'input.name', 200),
      trigger: input.trigger,
      triggerConfig: validateTriggerConfig(input.trigger, input.triggerConfig),
      conditions: validateConditions(input.trigger, input.conditions),
      actions: await validateActions(this.scope.em, input.trigger, input.actions),
      enabled: input.enabled ?? true,
      createdById: actor.id,
    });
    await this.scope.em.flush();
    return rule;
  }

  /** Changes what is given; the trigger, options, conditions and actions are checked together again. */
  async update(id: string, input: RuleFields): Promise<AutomationRule> {
    const rule = await this.get(id);
    const trigger = input.trigger ?? rule.trigger;
    const checked = {
      name: input.name != null ? v.requiredText(input.name, 'input.name', 200) : rule.name,
      trigger,
      triggerConfig: validateTriggerConfig(trigger, input.triggerConfig ?? rule.triggerConfig),
      conditions: validateConditions(trigger, input.conditions ?? rule.conditions),
      actions: await validateActions(this.scope.em, trigger, input.actions ?? rule.actions),
    };
    Object.assign(rule, checked);
    if (input.enabled != null) this.enable(rule, input.enabled);
    await this.scope.em.flush();
    return rule;
  }

  async setEnabled(id: string, enabled: boolean): Promise<AutomationRule> {
    const rule = await this.get(id);
    this.enable(rule, enabled);
    await this.scope.em.flush();
    return rule;
  }

  private enable(rule: AutomationRule, enabled: boolean): void {
    rule.enabled = enabled;
    if (enabled) Object.assign(rule, { consecutiveFailures: 0, disabledReason: null });
  }

  async delete(id: string): Promise<boolean> {
    const rule = await this.get(id);
    await this.scope.em.remove(rule).flush();
    return true;
  }

  async runs(ruleId: string, page: PageRequest): Promise<Page<AutomationRun>> {
    const rule = await this.get(ruleId);
    return this.scope.em.getRepository(AutomationRun).page(rule.organizationId, rule.id, page);
  }

  /** The `automation-run` job's body. */
  process() {
    return new AutomationEngine(this.scope).process();
  }

  /** Another engine holds the organization: look again a few windows later. */
  kickLater(organizationId: string): Promise<void> {
    return kickAutomation(this.scope.deps, organizationId, 5);
  }
}
