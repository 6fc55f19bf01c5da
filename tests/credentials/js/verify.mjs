// An independent verifier for coursecerts' credentials: Digital Bazaar's JavaScript stack (@digitalbazaar/vc with
// the eddsa-rdfc-2022 cryptosuite and the Bitstring Status List checker), offline, with a static document loader.
//
//   node verify.mjs INPUT.json    (or the JSON on standard input)
//
// INPUT is {"credential": {...}, "documents": {"<url>": <JSON document>, ...}}: the JSON-LD contexts, the issuer's
// DID document (or controller document) and the status list credential the credential names. A URL that is in
// neither the documents nor the contexts that ship with these npm packages is refused: nothing goes to the
// network. A document given for a context these packages also ship must equal theirs (else "context_mismatch").
//
// Prints one JSON object: {"verified": signature and status both good, "signature": {"verified", "errors"},
// "status": {"checked", "verified", "revoked", "errors"}, "context_mismatch": [urls]}; exits 0 when it could
// answer, 2 on bad input. tests/credentials/test_independent_verifier.py runs it.

import {readFileSync} from 'node:fs';
import {isDeepStrictEqual} from 'node:util';

import {contexts as credentialsContexts} from '@digitalbazaar/credentials-context';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {contexts as statusListContexts} from '@digitalbazaar/vc-bitstring-status-list-context';

const MULTIKEY_CONTEXT_V1 = 'https://w3id.org/security/multikey/v1';

function readInput() {
  const path = process.argv[2];
  const text = path ? readFileSync(path, 'utf8') : readFileSync(0, 'utf8');
  const input = JSON.parse(text);
  if(!input || typeof input.credential !== 'object' || typeof input.documents !== 'object') {
    throw new TypeError('input must be {"credential": {...}, "documents": {...}}');
  }
  return input;
}

function packagedContexts() {
  const packaged = new Map();
  for(const map of [credentialsContexts, statusListContexts]) {
    for(const [url, context] of map) {
      packaged.set(url, context);
    }
  }
  return packaged;
}

// The document loader: packaged contexts first, then the given documents; a URL with a fragment is a verification
// method inside its controller's document; anything else is an error (never the network).
function staticLoader(documents, packaged) {
  return async function documentLoader(url) {
    if(packaged.has(url)) {
      return {contextUrl: null, documentUrl: url, document: structuredClone(packaged.get(url))};
    }
    if(Object.hasOwn(documents, url)) {
      return {contextUrl: null, documentUrl: url, document: structuredClone(documents[url])};
    }
    const hash = url.indexOf('#');
    if(hash > 0 && Object.hasOwn(documents, url.slice(0, hash))) {
      const controller = documents[url.slice(0, hash)];
      const method = (controller.verificationMethod || []).find(
        m => m.id === url || (controller.id + m.id) === url);
      if(method) {
        const id = method.id.startsWith('#') ? controller.id + method.id : method.id;
        return {
          contextUrl: null,
          documentUrl: url,
          document: {'@context': MULTIKEY_CONTEXT_V1, ...method, id}
        };
      }
    }
    throw new Error(`the static document loader has no document for ${url}`);
  };
}

function messages(error) {
  if(!error) {
    return [];
  }
  const errors = Array.isArray(error) ? error : (error.errors || [error]);
  return errors.map(e => String(e && (e.message || e)));
}

async function main() {
  let input;
  try {
    input = readInput();
  } catch(error) {
    process.stdout.write(JSON.stringify({error: `bad input: ${error.message}`}) + '\n');
    process.exit(2);
  }
  const packaged = packagedContexts();
  const contextMismatch = Object.keys(input.documents).filter(
    url => packaged.has(url) && !isDeepStrictEqual(packaged.get(url), input.documents[url]));
  const documentLoader = staticLoader(input.documents, packaged);
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});

  // The signature, the issuer's authority over the key and the dates, without status.
  const statusEntry = input.credential.credentialStatus;
  const signed = await vc.verifyCredential({
    credential: input.credential,
    suite,
    documentLoader,
    // status is checked on its own below; this stand-in keeps vc from refusing a credential that has one
    checkStatus: async () => ({verified: true})
  });
  const signature = {verified: signed.verified === true, errors: messages(signed.error)};

  const status = {checked: false, verified: false, revoked: null, errors: []};
  if(statusEntry) {
    status.checked = true;
    const result = await checkStatus({credential: input.credential, documentLoader, suite});
    status.verified = result.verified === true;
    status.errors = messages(result.error);
    if(status.verified) {
      status.revoked = result.results.some(r => r.credentialStatus.statusPurpose === 'revocation' && r.status);
    }
  }
  const statusGood = !status.checked || (status.verified && status.revoked === false);
  const verified = signature.verified && statusGood && contextMismatch.length === 0;
  process.stdout.write(JSON.stringify({
    verified,
    signature,
    status,
    context_mismatch: contextMismatch
  }) + '\n');
}

main().catch(error => {
  process.stdout.write(JSON.stringify({error: String(error && error.stack || error)}) + '\n');
  process.exit(1);
});
