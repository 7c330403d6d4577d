/** Collection names, in one place so rules, indexes and code agree. */
export const COLLECTIONS = {
  apiKeys: "apiKeys",
  users: "users",
  subscription: "subscription",
  integrations: "integrations",
  accounts: "accounts",
  postSubmissions: "postSubmissions",
  runs: "runs",
  apiRequests: "apiRequests",
  idempotencyKeys: "idempotencyKeys",
  rateLimits: "rateLimits",
  hits: "hits",
  credentials: "credentials",
  accountUsage: "accountUsage",
  publishes: "publishes",
  deadLetters: "deadLetters",
  oauthStates: "oauthStates",
  accountSelections: "accountSelections",
  pendingConnections: "pendingConnections",
  media: "media",
  mediaRequests: "mediaRequests",
  mediaRetention: "mediaRetention",
  mediaUploads: "mediaUploads",
} as const;

export const SUBSCRIPTION_DOC = "current";
