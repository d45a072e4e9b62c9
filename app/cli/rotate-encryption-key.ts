// `npm run rotate-encryption-key`: run after setting ENCRYPTION_KEY to the new
// key and ENCRYPTION_KEY_PREVIOUS to the old one. See SECURITY.md.
import { appKeyring } from "../crypto/keyring.server";
import { resealStoredSecrets } from "../crypto/reseal.server";
import prisma from "../db.server";

const report = await resealStoredSecrets(appKeyring);
console.log(`Re-sealed ${report.endpointSecrets} endpoint secrets and ${report.sessionTokens} Shopify session tokens under the current ENCRYPTION_KEY.`);
console.log("Every stored secret now opens with ENCRYPTION_KEY alone: remove ENCRYPTION_KEY_PREVIOUS and restart.");
await prisma.$disconnect();
