/**
 * `field`: the shell function the banner and the README define so that their examples run as
 * printed without jq: reads a JSON answer on stdin and prints one field (`a.b.0` for nested
 * ones, like `jq -r .a.b[0]`); when the field is absent it prints the whole answer (an error
 * envelope, say) to stderr and fails, so a failed step is never silent.
 */
export const FIELD_FUNCTION =
  'field() { node -e \'const a = JSON.parse(require("fs").readFileSync(0, "utf8")), v = process.argv[1].split(".").reduce((o, k) => o?.[k], a); if (v == null) { console.error(JSON.stringify(a)); process.exit(1); } console.log(v)\' "$1"; }';
