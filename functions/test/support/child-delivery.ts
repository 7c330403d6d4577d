import type { Platform } from "../../src/domain/platforms";

/** What the parent test hands a child: everything a publisher instance gets from its deployment. */
export interface ChildDelivery {
  platform: Platform;
  projectId: string;
  keyring: string;
  /** The parent harness's clock offset, so both processes live at the same (moved) time. */
  offsetMs: number;
  /** The parent harness's media directory (the store the publisher reads media from). */
  mediaDir: string;
  settings: { apiUrl: string; authUrl: string; consentUrl: string; clientId: string; clientSecret: string };
  payload: object;
}

/** Lines the parent reads from the child's stdout (the logger writes there too). */
export const TASK_LINE = "POSTCAST_TASK ";
