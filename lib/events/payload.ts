// What an event keeps of its data (issue 12 item 5): JSON text up to PAYLOAD_CAP characters; longer
// payloads are cut and marked, and their delivery carries `"data": null, "dataTruncated": true`.
// Pure.

/**
 * 2 MiB of text: a JSON webhook body at its 1 MB default limit always fits, and a text one too
 * unless escaping (control characters, quotes) more than doubles it — then it is cut and marked.
 */
export const PAYLOAD_CAP = 2 * 1024 * 1024;

export function capPayload(json: string): { payload: string; truncated: boolean } {
  if (json.length <= PAYLOAD_CAP) return { payload: json, truncated: false };
  return { payload: json.slice(0, PAYLOAD_CAP), truncated: true };
}

/** The delivery body (issue 12 item 6), built around the stored JSON text without parsing it again. */
export function deliveryBody(e: { id: string; subscriptionId: string; resource: string; type: string; occurredAt: Date; payload: string; payloadTruncated: boolean }): string {
  const head = `{"id":${JSON.stringify(e.id)},"type":${JSON.stringify(`${e.resource}.${e.type.toLowerCase()}`)},"subscriptionId":${JSON.stringify(e.subscriptionId)},"resource":${JSON.stringify(e.resource)},"occurredAt":${JSON.stringify(e.occurredAt.toISOString())}`;
  return e.payloadTruncated ? `${head},"data":null,"dataTruncated":true}` : `${head},"data":${e.payload}}`;
}
