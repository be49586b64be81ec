import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Users } from '#monay/identity';
import { Money, type CurrencyCode } from '#monay/kernel';
import { UnitOfWork } from '#monay/shared';
import { WalletAccess } from '#monay/wallet';
import {
  AnalyticsRepository,
  type AnalyticsFact,
  type Recategorised,
  type StoredRule,
} from './analytics.repository';
import {
  CategoryNotApplicableError,
  CounterpartyNotFoundError,
  InvalidAnalyticsInputError,
  RuleLimitReachedError,
  RuleNotFoundError,
  TransactionNotFoundError,
} from './analytics.errors';
import { MERCHANTS } from './merchant-directory';
import { MovementAnalytics } from './movement-analytics';
import { usd } from './rollup';
import { categoryFromInput, labelOf, type CategoryPair } from './taxonomy';

/** At most this many live rules per user. */
export const MAX_RULES = 100;
/** A preview lists at most this many of the movements it would change. */
const PREVIEW_LIMIT = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EXTERNAL_ADDRESS = /^0x[0-9a-fA-F]{40}$/;

export interface RuleMatchInput {
  merchant?: string;
  counterparty?: string;
  noteContains?: string;
}

function ruleView(rule: StoredRule) {
  return {
    id: rule.id,
    match: {
      ...(rule.matchMerchant !== null && { merchant: rule.matchMerchant }),
      ...(rule.matchCounterparty !== null && { counterparty: rule.matchCounterparty }),
      ...(rule.matchNote !== null && { noteContains: rule.matchNote }),
    },
    category: rule.category,
    subCategory: rule.subCategory,
    label: labelOf(rule.subCategory),
    createdAt: rule.createdAt.toISOString(),
    appliedToPastAt: rule.appliedAt?.toISOString() ?? null,
    deletedAt: rule.deletedAt?.toISOString() ?? null,
  };
}

function changeView(change: Recategorised) {
  return {
    transactionId: change.referenceId,
    type: change.type,
    status: change.status,
    occurredAt: change.occurredAt.toISOString(),
    amount: Money.of(change.amount, change.currency as CurrencyCode).toDecimalString(),
    currency: change.currency,
    merchant: change.merchant,
    counterparty: change.counterparty,
    note: change.note,
    from: { category: change.previous.category, subCategory: change.previous.subCategory },
    to: { category: change.category, subCategory: change.subCategory },
  };
}

/**
 * The user's say in categories (user data, kept across rebuilds): rules that categorise movements by merchant,
 * counterparty or note, and corrections of one movement. Each change recategorises the movements it concerns and
 * moves their amounts between rollup rows in the same transaction, after locking the user's analytics.
 */
@Injectable()
export class AnalyticsRules {
  constructor(
    private readonly repository: AnalyticsRepository,
    private readonly analytics: MovementAnalytics,
    private readonly uow: UnitOfWork,
    private readonly users: Users,
    private readonly wallets: WalletAccess,
  ) {}

  async create(userId: string, match: RuleMatchInput, categoryInput: string) {
    const category = this.category(categoryInput);
    const stored = await this.normalise(match);
    const result = await this.uow.run(async (tx) => {
      await this.repository.lockUsers(tx, [userId], 'update');
      if ((await this.repository.countLiveRules(tx, userId)) >= MAX_RULES)
        throw new RuleLimitReachedError(MAX_RULES);
      const rule = await this.repository.insertRule(tx, {
        id: randomUUID(),
        userId,
        ...stored,
        category: category.category,
        subCategory: category.subCategory,
      });
      // From now on it categorises new movements; any recorded at or after its creation is brought under it.
      const changes = await this.repository.recategorise(tx, userId, {
        matching: rule,
        since: rule.createdAt,
      });
      await this.analytics.moveCategories(tx, changes);
      return rule;
    });
    return { success: true, rule: ruleView(result) };
  }

  async list(userId: string) {
    return { success: true, rules: (await this.repository.liveRules(userId)).map(ruleView) };
  }

  async remove(userId: string, ruleId: string) {
    return this.uow.run(async (tx) => {
      await this.repository.lockUsers(tx, [userId], 'update');
      const rule = UUID.test(ruleId) ? await this.repository.rule(tx, userId, ruleId) : null;
      if (!rule) throw new RuleNotFoundError();
      if (rule.deletedAt) return { success: true, rule: ruleView(rule), restored: 0 };
      const deleted = await this.repository.markRuleDeleted(tx, rule.id);
      // What it categorised goes back to the next rule that covers it, or to the classifier.
      const changes = await this.repository.recategorise(tx, userId, { ruleId: rule.id });
      await this.analytics.moveCategories(tx, changes);
      return { success: true, rule: ruleView(deleted), restored: changes.length };
    });
  }

  async preview(userId: string, ruleId: string) {
    const rule = await this.liveRule(userId, ruleId);
    const preview = await this.repository.previewRule(userId, rule, PREVIEW_LIMIT);
    return {
      success: true,
      rule: ruleView(rule),
      wouldChange: preview.total,
      amount: usd(preview.usdTotal),
      currency: 'USD',
      changes: preview.changes.map(changeView),
      truncated: preview.total > preview.changes.length,
    };
  }

  async apply(userId: string, ruleId: string) {
    return this.uow.run(async (tx) => {
      await this.repository.lockUsers(tx, [userId], 'update');
      const found = UUID.test(ruleId) ? await this.repository.rule(tx, userId, ruleId) : null;
      if (!found || found.deletedAt) throw new RuleNotFoundError();
      const rule = await this.repository.markRuleApplied(tx, found.id);
      const changes = await this.repository.recategorise(tx, userId, { matching: rule });
      await this.analytics.moveCategories(tx, changes);
      const moved = changes.filter((c) => c.status === 'completed').reduce((acc, c) => acc + c.usdAmount, 0n);
      return {
        success: true,
        rule: ruleView(rule),
        changed: changes.length,
        amount: usd(moved),
        currency: 'USD',
      };
    });
  }

  /** Sets (or, with null, clears) the category of one of the user's transactions; offers a rule for its likes. */
  async correct(userId: string, referenceId: string, categoryInput: string | null) {
    const category = categoryInput === null ? null : this.category(categoryInput);
    const facts = await this.uow.run(async (tx) => {
      await this.repository.lockUsers(tx, [userId], 'update');
      const lines = await this.repository.factsOfReference(tx, userId, referenceId);
      if (lines.length === 0) throw new TransactionNotFoundError();
      if (lines.every((line) => line.excluded || line.kind === 'fee')) throw new CategoryNotApplicableError();
      await this.repository.setCorrection(tx, userId, referenceId, category);
      const changes = await this.repository.recategorise(tx, userId, { referenceId });
      await this.analytics.moveCategories(tx, changes);
      return this.repository.factsOfReference(tx, userId, referenceId);
    });
    const line = facts.find((fact) => !fact.excluded && fact.kind !== 'fee') as AnalyticsFact;
    return {
      success: true,
      transaction: {
        id: referenceId,
        category: line.category,
        subCategory: line.subCategory,
        label: labelOf(line.subCategory),
        confidence: line.confidence,
        source: line.categorySource,
      },
      suggestedRule: category ? await this.suggestion(userId, line, category) : null,
    };
  }

  /** A rule that would categorise the corrected movement's likes the same way, and how many past ones it would change. */
  private async suggestion(userId: string, line: AnalyticsFact, category: CategoryPair) {
    const merchant = line.merchant ? line.merchant.toLowerCase() : null;
    const counterparty = merchant === null ? line.counterparty : null;
    if (merchant === null && counterparty === null) return null;
    const match = merchant !== null ? { merchant } : { counterparty };
    const hypothetical: StoredRule = {
      id: randomUUID(),
      userId,
      matchMerchant: merchant,
      matchCounterparty: counterparty,
      matchNote: null,
      category: category.category,
      subCategory: category.subCategory,
      createdAt: new Date(),
      appliedAt: null,
      deletedAt: null,
    };
    // A new rule is the newest: applied to the past it would win for every matching movement not corrected.
    const pastMatches = await this.repository.countRecategorisable(userId, hypothetical);
    return {
      match,
      category: category.subCategory,
      pastMatches,
      create: {
        method: 'POST',
        path: '/api/analytics/rules',
        body: { match, category: category.subCategory },
      },
    };
  }

  private async liveRule(userId: string, ruleId: string): Promise<StoredRule> {
    const rule = UUID.test(ruleId)
      ? await this.repository.rule(this.repository.reader, userId, ruleId)
      : null;
    if (!rule || rule.deletedAt) throw new RuleNotFoundError();
    return rule;
  }

  private category(input: string): CategoryPair {
    const category = categoryFromInput(input);
    if (!category) {
      throw new InvalidAnalyticsInputError(
        'category',
        'category must be a primary or detailed category code',
      );
    }
    return category;
  }

  /**
   * A rule's match as stored: a merchant by the directory's name when it knows it (by name, id or a raw
   * descriptor), else as written; a counterparty as the id movements carry (a Monay user's id, found by email,
   * phone, user id or monay: address; an external 0x address in lower case; a masked bank account as written);
   * note text. All lower-cased: they are compared without case.
   */
  private async normalise(
    match: RuleMatchInput,
  ): Promise<Pick<StoredRule, 'matchMerchant' | 'matchCounterparty' | 'matchNote'>> {
    const clean = (text: string | undefined) => text?.trim().replace(/\s+/g, ' ') || undefined;
    const merchant = clean(match.merchant);
    const counterparty = clean(match.counterparty);
    const note = clean(match.noteContains);
    if (!merchant && !counterparty && !note) {
      throw new InvalidAnalyticsInputError(
        'match',
        'match must name a merchant, a counterparty or noteContains',
      );
    }
    let matchMerchant: string | null = null;
    if (merchant) {
      const known = MERCHANTS.find(merchant) ?? MERCHANTS.match(merchant)?.merchant ?? null;
      matchMerchant = (known?.name ?? merchant).toLowerCase();
    }
    return {
      matchMerchant,
      matchCounterparty: counterparty ? await this.counterparty(counterparty) : null,
      matchNote: note ? note.toLowerCase() : null,
    };
  }

  private async counterparty(input: string): Promise<string> {
    if (EXTERNAL_ADDRESS.test(input)) return input.toLowerCase();
    if (UUID.test(input)) return input.toLowerCase();
    if (input.startsWith('…')) return input;
    if (input.startsWith('monay:')) {
      const wallet = await this.wallets.findByAddress(input);
      if (!wallet) throw new CounterpartyNotFoundError(input);
      return wallet.userId;
    }
    const isEmail = input.includes('@');
    const isPhone = /^\+?[0-9][0-9\s().-]{5,}$/.test(input);
    if (!isEmail && !isPhone) {
      throw new InvalidAnalyticsInputError(
        'match.counterparty',
        'match.counterparty must be an email, phone number, user id, monay: or 0x address',
      );
    }
    const [user] = await this.users.find(isEmail ? { emails: [input] } : { phones: [input] });
    if (!user) throw new CounterpartyNotFoundError(input);
    return user.id;
  }
}
