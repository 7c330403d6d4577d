export { idTokenFor } from "../../dev/id-token";
