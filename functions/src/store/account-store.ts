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
import { accountEvents } from "../domain/account-events";
import { accountDoc, integrationDoc } from "./account-refs";
import { COLLECTIONS } from "./collections";
import { EventStore, type EventRelay } from "./event-store";
import { accountStatus, converters, wellFormed } from "./records";

/** What the connect flow learned of an account at the platform. */
export interface AccountProfile {
  accountId: string;
  username: string | null;
  displayName: string | null;
  avatarUrl: string | null;
}

const ts = (d: Date | null) => (d ? Timestamp.fromDate(d) : null);
const iso = (d: Date | null) => d?.toISOString() ?? null;

/** Which connection of the account a document shows: its `connectedAt` (none for Soku's documents). */
function connectionOf(snap: DocumentSnapshot): string {
  const at = snap.get("connectedAt") as unknown;
  return at instanceof Timestamp ? String(at.toMillis()) : "soku";
}

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
  private readonly events: EventStore;

  /** `relay`: hands the account events to delivery after their commit (absent: the sweeper does). */
  constructor(
    private readonly db: Firestore,
    private readonly clock: () => Date = () => new Date(),
    relay?: EventRelay,
  ) {
    this.events = new EventStore(db, relay);
  }

  /**
   * Connects or reconnects an account: profile, `active`, token dates and health. A reconnection
   * keeps `createdAt` (and so the account's history). The platform's default stays put unless it
   * is missing or disconnected, in which case this account becomes it.
   */
  async connect(userId: string, platform: Platform, profile: AccountProfile, dates: TokenDates): Promise<void> {
    const ref = accountDoc(this.db, { userId, platform, accountId: profile.accountId });
    const account = { userId, platform, accountId: profile.accountId };
    await this.events.transaction(async (tx, record) => {
      const { others, summary } = await this.platformState(tx, userId, platform, profile.accountId);
      const existing = await tx.get(ref);
      const now = this.clock();
      // Named after the connection it replaces: reconnecting again is another event.
      const after = existing.exists ? `after-${connectionOf(existing)}` : "first";
      for (const event of accountEvents(account, "account.connected", after, () => ({
        username: profile.username,
        displayName: profile.displayName,
        reconnected: existing.exists,
        reconnectBy: iso(dates.reconnectBy),
      }))) {
        record(event);
      }
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
    return this.events.transaction(async (tx, record) => {
      const { others, summary } = await this.platformState(tx, account.userId, account.platform, account.accountId);
      const snap = await tx.get(ref);
      if (!snap.exists) return "missing";
      if (statusOf(snap) === "disconnected") return "already";
      for (const event of accountEvents(account, "account.disconnected", connectionOf(snap), () => ({}))) record(event);
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
    return this.events.transaction(async (tx, record) => {
      const snap = await tx.get(ref);
      if (statusOf(snap) !== "active") return false;
      for (const event of accountEvents(account, "account.needs_reauth", connectionOf(snap), () => ({ reason }))) {
        record(event);
      }
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

  /**
   * Recomputes an active account's health (the token-health job, as `reconnectBy` nears). Becoming
   * `expiring` records `account.expiring`, with the scheduled posts of each world that the
   * connection's end puts at risk (read in the same transaction).
   */
  async refreshHealth(account: AccountRef, reconnectBy: Date | null): Promise<AccountHealth | null> {
    const ref = accountDoc(this.db, account);
    return this.events.transaction(async (tx, record) => {
      const snap = await tx.get(ref);
      if (statusOf(snap) !== "active") return null;
      const health = healthOf("active", reconnectBy, this.clock());
      if (snap.get("health") === health) return health;
      // Reads first: a transaction writes only after its last read.
      const atRisk = health === "expiring" && reconnectBy ? await this.postsAtRisk(tx, account, reconnectBy) : [];
      tx.update(ref, { health, updatedAt: FieldValue.serverTimestamp() });
      if (health === "expiring" && reconnectBy) {
        const data = (livemode: boolean) => ({
          reconnectBy: reconnectBy.toISOString(),
          scheduledPostsAtRisk: atRisk
            .filter((p) => p.livemode === livemode)
            .map(({ postId, scheduledTime }) => ({ postId, scheduledTime })),
        });
        for (const event of accountEvents(account, "account.expiring", String(reconnectBy.getTime()), data)) {
          record(event);
        }
      }
      return health;
    });
  }

  /** The account's scheduled posts due at or after `reconnectBy` (equality filters: single-field indexes). */
  private async postsAtRisk(tx: Transaction, account: AccountRef, reconnectBy: Date) {
    const snap = await tx.get(
      this.db
        .collection(COLLECTIONS.postSubmissions)
        .withConverter(converters.submission)
        .where("userId", "==", account.userId)
        .where("status", "==", "scheduled")
        .where("platforms", "array-contains", account.platform),
    );
    return wellFormed(snap).flatMap(({ id, data }) => {
      const at = data.scheduledTime?.toDate();
      const targets = data.targets.some((t) => t.platform === account.platform && t.accountId === account.accountId);
      return targets && at && at >= reconnectBy
        ? [{ postId: id, scheduledTime: at.toISOString(), livemode: data.mode === "live" }]
        : [];
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
