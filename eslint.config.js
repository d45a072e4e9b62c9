// `npm run lint`. Formatting is Prettier's (`npm run format`); this checks
// what a formatter cannot: types used wrongly, unawaited promises, the rules
// of React hooks, import order and import cycles.
import path from "node:path";
import { fileURLToPath } from "node:url";
import js from "@eslint/js";
import { createNodeResolver, flatConfigs as importX } from "eslint-plugin-import-x";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

const root = path.dirname(fileURLToPath(import.meta.url));

export default tseslint.config(
  {
    ignores: [
      "build/**",
      "artifacts/**",
      ".cache/**",
      "**/node_modules/**",
      "extensions/*/dist/**",
      // Generated: prisma/postgres/ by `npm run db:postgres:generate`, tables.ts by `npm run db:types`.
      "prisma/postgres/**",
      "app/db/tables.ts",
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  reactHooks.configs.flat.recommended,
  importX.recommended,
  importX.typescript,
  {
    languageOptions: {
      ecmaVersion: "latest",
      sourceType: "module",
      globals: { ...globals.node, ...globals.browser },
      parserOptions: { projectService: { allowDefaultProject: ["*.js", "*.mjs", "bench/*.mjs", "scripts/*.mjs", ".ci/*.mjs"] }, tsconfigRootDir: root },
    },
    settings: {
      "import-x/resolver-next": [
        createNodeResolver({ extensions: [".ts", ".tsx", ".mjs", ".js", ".json"], tsconfig: { configFile: path.join(root, "tsconfig.json") } }),
      ],
      "import-x/internal-regex": "^~/",
    },
    rules: {
      // Every webhook and worker step is awaited; a fire-and-forget must say so with `void`.
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      // Remix routes throw Responses (redirects, 404s) by design.
      "@typescript-eslint/only-throw-error": ["error", { allow: [{ from: "lib", name: "Response" }], allowThrowingUnknown: false }],
      // An async method that does not await yet still fulfils an async interface (WorkQueue, Prisma's adapter).
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
      // TypeScript resolves imports (npm run typecheck); these only duplicate it, slowly.
      "import-x/no-unresolved": "off",
      "import-x/named": "off",
      "import-x/namespace": "off",
      "import-x/default": "off",
      "import-x/no-named-as-default-member": "off",
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "import-x/first": "error",
      // Node built-ins, then packages, then relative paths; one block, no blank lines.
      "import-x/order": ["error", { groups: ["builtin", "external", "internal", ["parent", "sibling", "index"]], "newlines-between": "never" }],
    },
  },
  {
    // Tests, benchmarks and the demo read JSON bodies they have just asserted on.
    files: ["test/**", "bench/**", "demo/**", "**/*.test.ts", "**/*.test.tsx"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  {
    // Plain JavaScript (server.mjs, scripts, benchmarks, this file): no type information to lint with.
    files: ["**/*.js", "**/*.mjs", "**/*.cjs"],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
