/** The Graph API version Postcast calls for Facebook and Instagram (one place to move it forward). */
export const GRAPH_VERSION = "v25.0";
