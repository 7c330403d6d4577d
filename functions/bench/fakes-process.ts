/**
 * The fake platforms in a process of their own, on free ports, for the publishing benchmark (so
 * what they receive is not counted in the publisher's memory). Prints their URLs as JSON.
 */
import { startFakes } from "../fakes/serve";

startFakes({ anyPorts: true })
  .then(({ urls }) => console.log(JSON.stringify(urls)))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
