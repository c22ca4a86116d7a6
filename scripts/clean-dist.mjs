// Removes dist/ before a build so files deleted from the sources do not linger in the package.
import { rmSync } from "node:fs";
rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
