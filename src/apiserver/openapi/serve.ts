// Writing an OpenAPI document as kube-openapi's handler does: the content hash as a
// quoted ETag, `304 Not Modified` when the client already holds it, `Vary: Accept`
// because /openapi/v2 answers JSON or protobuf from one URL.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KindStrategy } from '../../api/kind.js';
import { openapiV2ProtobufServed, openapiV2Served } from './index.js';
import { negotiateOpenAPIV2, OPENAPI_V2_PROTOBUF } from './negotiate.js';

export interface OpenAPIBody {
  body: string | Buffer;
  /** Upper-case hex SHA-512 of the JSON form. */
  hash: string;
}

function notModified(req: IncomingMessage, etag: string): boolean {
  const header = req.headers['if-none-match'];
  if (!header) return false;
  return header === '*' || header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/** Sends one OpenAPI document, or 304 when If-None-Match names its ETag. */
export function sendOpenAPI(req: IncomingMessage, res: ServerResponse, doc: OpenAPIBody, contentType: string): void {
  const etag = `"${doc.hash}"`;
  if (notModified(req, etag)) {
    res.writeHead(304, { ETag: etag, Vary: 'Accept' });
    res.end();
    return;
  }
  res.writeHead(200, { 'Content-Type': contentType, ETag: etag, Vary: 'Accept', 'Content-Length': Buffer.byteLength(doc.body) });
  res.end(doc.body);
}

/** /openapi/v2: JSON by default, gnostic's protobuf when the Accept header asks for it. */
export function sendOpenAPIV2(req: IncomingMessage, res: ServerResponse, kinds: readonly KindStrategy[]): void {
  const format = negotiateOpenAPIV2(req.headers.accept);
  if (!format) {
    // kube-openapi's handler answers a bare 406, which clients report as NotAcceptable.
    res.writeHead(406, { Vary: 'Accept', 'Content-Length': 0 });
    res.end();
    return;
  }
  if (format === 'protobuf') return sendOpenAPI(req, res, openapiV2ProtobufServed(kinds), OPENAPI_V2_PROTOBUF);
  sendOpenAPI(req, res, openapiV2Served(kinds), 'application/json');
}
