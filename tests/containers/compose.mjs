// Reads docker-compose.yml the way compose does (anchors and merge keys, ${VAR}, ${VAR:-x},
// ${VAR:?message} from the environment) and prints one service's settings for a shell:
//   node compose.mjs <compose file> <service> env|command|volumes|image
// env: KEY=VALUE lines; command: one argument a line; volumes: source:target[:mode] lines with
// relative sources made absolute.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";

const [file, service, what] = process.argv.slice(2);
const compose = parse(readFileSync(file, "utf8"), { merge: true });
const svc = compose.services?.[service];
if (!svc) {
  console.error(`${file}: no service ${service}`);
  process.exit(1);
}
function interpolate(value) {
  return String(value).replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g, (_, name, op, arg) => {
    const v = process.env[name];
    if (op === ":?" || op === "?") {
      if (v === undefined || (op === ":?" && v === "")) {
        console.error(`${file}: ${name}: ${arg}`);
        process.exit(1);
      }
      return v;
    }
    if (op === ":-" || op === "-") return v === undefined || (op === ":-" && v === "") ? arg : v;
    return v ?? "";
  });
}
const out = [];
if (what === "env") {
  const env = Array.isArray(svc.environment)
    ? Object.fromEntries(svc.environment.map((e) => e.split(/=(.*)/s).slice(0, 2)))
    : svc.environment ?? {};
  for (const [k, v] of Object.entries(env)) {
    const value = interpolate(v ?? "");
    if (value.includes("\n")) {
      console.error(`${file}: ${service}: ${k} spans lines`);
      process.exit(1);
    }
    out.push(`${k}=${value}`);
  }
} else if (what === "command") {
  for (const a of [].concat(svc.command ?? [])) out.push(interpolate(a));
} else if (what === "volumes") {
  for (const v of svc.volumes ?? []) {
    const parts = interpolate(v).split(":");
    if (parts[0].startsWith(".")) parts[0] = path.resolve(path.dirname(file), parts[0]);
    else continue;  // named volumes: the test uses none (a container's own storage)
    out.push(parts.join(":"));
  }
} else if (what === "image") {
  out.push(interpolate(svc.image ?? ""));
} else {
  console.error("what: env, command, volumes or image");
  process.exit(2);
}
if (out.length > 0) console.log(out.join("\n"));
