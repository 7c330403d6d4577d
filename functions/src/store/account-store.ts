import {
  FieldValue,
  Timestamp,
  type DocumentSnapshot,
  type Firestore,
  type Transaction,
} from "firebase-admin/firestore";
import { healthOf, type AccountHealth } from "../domain/account-health";
import type { AccountRef, TokenDates } from "../domain/account-ref";
import type { Platform } from "../domain/platforms";
import { accountDoc, integrationDoc } from "./account-refs";
import { COLLECTIONS } from "./collections";
import { accountStatus } from "./records";

/** What the connect flow learned of an account at the platform. */
export interface AccountProfile {
  accountId: string;
  username: string | null;
  displayName: string | null;
  avatarUrl: string | null;
}

const ts = (d: Date | null) => (d ? Timestamp.fromDate(d) : null);

/** The account's status as records.ts reads it (none, in Soku's shape, is `active`); null if not an account status. */
function statusOf(snap: DocumentSnapshot): string | null {
  return snap.exists ? (accountStatus.safeParse(snap.get("status")).data ?? null) : null;
}

/**
 * The account documents the dashboard reads (`users/{uid}/integrations/{platform}/accounts/…`)
 * and each platform's summary: connection, disconnection, status and health. Credentials never
 * live here (credential-store.ts).
 */
export class AccountStore {
  constructor(
    private readonly db: Firestore,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /**
   * Connects or reconnects an account: profile, `active`, token dates and health. A reconnection
   * keeps `createdAt` (and so the account's history). The platform's default stays put unless it
   * is missing or disconnected, in which case this account becomes it.
   */
  async connect(userId: string, platform: Platform, profile: AccountProfile, dates: TokenDates): Promise<void> {
    const ref = accountDoc(this.db, { userId, platform, accountId: profile.accountId });
    await this.db.runTransaction(async (tx) => {
      const { others, summary } = await this.platformState(tx, userId, platform, profile.accountId);
      const existing = await tx.get(ref);
      const now = this.clock();
      tx.set(ref, {
        platform,
        username: profile.username,
        displayName: profile.displayName,
        avatarUrl: profile.avatarUrl,
        status: "active",
        statusReason: null,
        health: healthOf("active", dates.reconnectBy, now),
        tokenExpiresAt: ts(dates.tokenExpiresAt),
        reconnectBy: ts(dates.reconnectBy),
        createdAt: existing.exists ? (existing.get("createdAt") as unknown) : FieldValue.serverTimestamp(),
        connectedAt: FieldValue.serverTimestamp(),
        updatedAt: FieldValue.serverTimestamp(),
      });
      const current = summary.defaultAccountId;
      const keepDefault = current !== null && others.some((a) => a.id === current && a.connected);
      this.writeSummary(tx, userId, platform, {
        defaultAccountId: keepDefault ? current : profile.accountId,
        connectedCount: others.filter((a) => a.connected).length + 1,
      });
    });
  }

  /**
   * Marks an account disconnected (its document stays, so its posts keep their history) and moves
   * the platform's default to another connected account. Returns false when there is no such
   * account.
   */
  async disconnect(account: AccountRef): Promise<"disconnected" | "already" | "missing"> {
    const ref = accountDoc(this.db, account);
    return this.db.runTransaction(async (tx) => {
      const { others, summary } = await this.platformState(tx, account.userId, account.platform, account.accountId);
      const snap = await tx.get(ref);
      if (!snap.exists) return "missing";
      if (statusOf(snap) === "disconnected") return "already";
      tx.update(ref, {
        status: "disconnected",
        statusReason: "Disconnected by the user.",
        health: "disconnected" satisfies AccountHealth,
        tokenExpiresAt: null,
        reconnectBy: null,
        disconnectedAt: FieldValue.serverTimestamp(),
        updatedAt: FieldValue.serverTimestamp(),
      });
      const connected = others.filter((a) => a.connected);
      const current = summary.defaultAccountId;
      this.writeSummary(tx, account.userId, account.platform, {
        defaultAccountId: connected.some((a) => a.id === current) ? current : (connected[0]?.id ?? null),
        connectedCount: connected.length,
      });
      return "disconnected";
    });
  }

  /**
   * The platform refused the account's credentials for good: later posts to it are refused at
   * create time (missing_account, reason needs_reauth) instead of failing at publish time. A
   * disconnected (or deleted) account stays as it is. Returns whether the status changed.
   */
  async markNeedsReauth(account: AccountRef, reason: string): Promise<boolean> {
    const ref = accountDoc(this.db, account);
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (statusOf(snap) !== "active") return false;
      tx.update(ref, {
        status: "needs_reauth",
        statusReason: reason,
        health: "needs_reauth" satisfies AccountHealth,
        statusChangedAt: FieldValue.serverTimestamp(),
        updatedAt: FieldValue.serverTimestamp(),
      });
      return true;
    });
  }

  /** Recomputes an active account's health (the token-health job, as `reconnectBy` nears). */
  async refreshHealth(account: AccountRef, reconnectBy: Date | null): Promise<AccountHealth | null> {
    const ref = accountDoc(this.db, account);
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (statusOf(snap) !== "active") return null;
      const health = healthOf("active", reconnectBy, this.clock());
      if (snap.get("health") !== health) tx.update(ref, { health, updatedAt: FieldValue.serverTimestamp() });
      return health;
    });
  }

  private async platformState(tx: Transaction, userId: string, platform: Platform, except: string) {
    const [accounts, summary] = await Promise.all([
      tx.get(integrationDoc(this.db, userId, platform).collection(COLLECTIONS.accounts)),
      tx.get(integrationDoc(this.db, userId, platform)),
    ]);
    return {
      others: accounts.docs
        .filter((d) => d.id !== except)
        .map((d) => ({ id: d.id, connected: statusOf(d) !== "disconnected" })),
      summary: { defaultAccountId: (summary.get("defaultAccountId") as string | null | undefined) ?? null },
    };
  }

  private writeSummary(
    tx: Transaction,
    userId: string,
    platform: Platform,
    summary: { defaultAccountId: string | null; connectedCount: number },
  ): void {
    tx.set(
      integrationDoc(this.db, userId, platform),
      { ...summary, updatedAt: FieldValue.serverTimestamp() },
      { merge: true },
    );
  }
}
