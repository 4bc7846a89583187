// signing.js -- an organisation's own Ed25519 signing key in the browser.
// The pair is made here with libsodium's build (seal.js loads it); the
// secret half leaves the page only as the file the person saves, and comes
// back from that file to sign a sealed proposal: a detached signature over
// the 32 bytes of the sealed blob's SHA-256, sent as Proposal-Signature,
// which the service checks against the organisation's registered public
// keys and names in the receipt (docs/sealed-bids.md).
import { fromBase64, sha256, sodium } from './seal.js';

export const KEY_FORMAT = 'gpu-registry organization signing key v1';

export const toBase64 = (bytes) => btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(''));
const unhex = (hex) => Uint8Array.from(hex.match(/../g), (x) => parseInt(x, 16));

// A new key pair: {label, keyId, publicKey (base64), file (the text to
// save)}. The key id is the service's: the SHA-256 of the public key, hex.
export async function newKey(label) {
  const s = await sodium();
  const k = s.crypto_sign_keypair();
  const keyId = await sha256(k.publicKey);
  const publicKey = toBase64(k.publicKey);
  const file = `${KEY_FORMAT}\nlabel ${label}\nkey-id ${keyId}\npublic-key ${publicKey}\nsecret-key ${toBase64(k.privateKey)}\n`;
  s.memzero(k.privateKey);
  return { label, keyId, publicKey, file };
}

// The key of a saved file: {label, keyId, publicKey, secretKey}, or null
// when the text is not such a file or its two halves do not belong together.
export async function readKey(text) {
  if (!text.startsWith(`${KEY_FORMAT}\n`)) return null;
  const line = (name) => new RegExp(`^${name} (.+)$`, 'm').exec(text)?.[1].trim();
  let secretKey;
  try {
    secretKey = fromBase64(line('secret-key') ?? '');
  } catch {
    return null;
  }
  if (secretKey.length !== 64) return null;
  // An Ed25519 secret key is its seed and its public key: the pair made
  // again from the seed must be the same one.
  const s = await sodium();
  const pair = s.crypto_sign_seed_keypair(secretKey.subarray(0, 32));
  const publicKey = toBase64(pair.publicKey);
  s.memzero(pair.privateKey);
  if (line('public-key') !== publicKey || toBase64(secretKey.subarray(32)) !== publicKey) return null;
  return { label: line('label') ?? '', keyId: await sha256(pair.publicKey), publicKey, secretKey };
}

// The Proposal-Signature (base64) of a sealed blob whose SHA-256 is hex;
// the secret key is wiped once it has signed.
export async function signHash(hex, secretKey) {
  const s = await sodium();
  try {
    return toBase64(s.crypto_sign_detached(unhex(hex), secretKey));
  } finally {
    s.memzero(secretKey);
  }
}
