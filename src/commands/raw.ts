// Raw data and requests: "Open JSON" (a read-only virtual document of a row's Graph object),
// "Copy as…" (Graph Explorer, curl, PowerShell, TypeScript; never a token) and "Run Graph Query…"
// (GET of /security/... of the current tenant, read-only JSON, next page on request).
import * as vscode from 'vscode';
import { PostureError } from '../graph/errors';
import type { ODataCollection } from '../graph/types';
import {
  alertQueryRequest, copyAs, graphExplorerAvailable, parseGraphPath, requestUrl, rowRequest, type CloudInfo, type CopyFormat, type GraphRequest,
} from '../model/requests';
import { safeLabel } from '../model/format';
import { entityOf, graphObjectOf, type Row } from '../views/node';
import { registerCommand, type Services } from './command';

export const JSON_SCHEME = 'security-posture-json';
const PAGED_CONTEXT = 'securityPosture.pagedDocuments';
const MAX_DOCUMENTS = 50;

interface Document {
  content: string;
  /** Graph query results: the request and the next page's link. */
  request?: GraphRequest;
  nextLink?: string;
  body?: ODataCollection<unknown>;
}

/** Read-only JSON documents: VS Code never writes to a content provider's scheme. */
class JsonDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly documents = new Map<string, Document>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private counter = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.documents.get(uri.toString())?.content ?? '// This document is no longer available: open it again from its row or command.\n';
  }

  get(uri: vscode.Uri): Document | undefined {
    return this.documents.get(uri.toString());
  }

  uri(folder: string, name: string): vscode.Uri {
    const safe = name.replace(/[^\w.-]+/g, '_').slice(0, 80) || 'item';
    return vscode.Uri.from({ scheme: JSON_SCHEME, path: `/${folder}/${++this.counter}/${safe}.json` });
  }

  set(uri: vscode.Uri, document: Document): void {
    this.documents.delete(uri.toString());
    this.documents.set(uri.toString(), document);
    // Bounded: the oldest documents go first.
    while (this.documents.size > MAX_DOCUMENTS) {
      this.documents.delete(this.documents.keys().next().value!);
    }
    this.emitter.fire(uri);
    void vscode.commands.executeCommand('setContext', PAGED_CONTEXT, [...this.documents].filter(([, d]) => d.nextLink).map(([u]) => vscode.Uri.parse(u).path));
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

function cloudOf(s: Services): CloudInfo {
  const cloud = s.connection.tenant?.graph?.cloud;
  if (!cloud) {
    throw new PostureError('signIn', 'Sign in, or explore the sample tenant, first.');
  }
  return { name: cloud.name, graphEndpoint: cloud.graphEndpoint };
}

/** What a row stands for in Graph: its object, and the GET that reads it. */
function rowTarget(s: Services, row: Row | undefined): { object: unknown; request: GraphRequest; name: string } {
  const entity = entityOf(row);
  if (entity?.kind === 'alertQuery') {
    const result = entity.query;
    return { object: { query: result.text, $filter: result.odata, filteredLocally: result.local, alerts: result.items }, request: alertQueryRequest(result.odata, s.settings().alertPageSize, result.local), name: result.name ?? 'query' };
  }
  const object = graphObjectOf(entity);
  const request = entity && object && rowRequest(entity.kind, object);
  if (!entity || !object || !request) {
    throw new PostureError('badRequest', 'This row has no Graph object: pick an alert, improvement action, requirement, customer or partner alert.');
  }
  // Customer rows hold a view model; the Graph object is the customer insight.
  const graphObject = entity.kind === 'customer' ? s.store.get('customers').data?.find(c => c.tenantId === entity.customer.tenantId) ?? object : object;
  return { object: graphObject, request, name: `${entity.kind}-${object.id ?? object.tenantId ?? ''}` };
}

const FORMATS: { format: CopyFormat; label: string; detail: string }[] = [
  { format: 'graphExplorer', label: 'Graph Explorer link', detail: 'Opens the request in Graph Explorer (global cloud only); you sign in there.' },
  { format: 'curl', label: 'curl', detail: 'Reads the token from $GRAPH_TOKEN (e.g. from az account get-access-token).' },
  { format: 'powershell', label: 'PowerShell (Microsoft.Graph)', detail: 'Connect-MgGraph, then the Get-Mg… cmdlet (or Invoke-MgGraphRequest for beta APIs).' },
  { format: 'typescript', label: 'TypeScript (Microsoft Graph client)', detail: '@microsoft/microsoft-graph-client with @azure/identity.' },
];

async function runGraphQuery(s: Services, documents: JsonDocuments, input: string): Promise<vscode.Uri> {
  const graph = s.connection.tenant?.graph;
  if (!graph) {
    throw new PostureError('signIn', 'Sign in, or explore the sample tenant, before running a Graph query.');
  }
  const parsed = parseGraphPath(input, graph.cloud.graphEndpoint);
  if (!parsed.ok) {
    throw new PostureError('badRequest', `Not sent: ${parsed.reason}`);
  }
  const { request } = parsed;
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `GET ${request.version}${request.path}`, cancellable: true }, (_p, token) => {
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    return graph.get<unknown>(request.path, { version: request.version, area: request.area, signal: controller.signal });
  });
  const body = result.data as ODataCollection<unknown>;
  const uri = documents.uri('graph', request.path.split('?')[0].split('/').pop() ?? 'result');
  documents.set(uri, { content: pretty(body), request, body, nextLink: nextLinkOf(body) });
  await show(uri);
  return uri;
}

function nextLinkOf(body: unknown): string | undefined {
  const link = (body as ODataCollection<unknown> | undefined)?.['@odata.nextLink'];
  return typeof link === 'string' ? link : undefined;
}

function pretty(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

async function show(uri: vscode.Uri): Promise<void> {
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.languages.setTextDocumentLanguage(document, 'json');
  await vscode.window.showTextDocument(document, { preview: false });
}

export function registerRawDataCommands(s: Services): vscode.Disposable[] {
  const documents = new JsonDocuments();
  return [
    documents,
    vscode.workspace.registerTextDocumentContentProvider(JSON_SCHEME, documents),
    registerCommand(s, 'securityPosture.openJson', async (row?: Row) => {
      const target = rowTarget(s, row);
      const uri = documents.uri('objects', target.name);
      documents.set(uri, { content: pretty(target.object) });
      await show(uri);
      return uri;
    }),
    registerCommand(s, 'securityPosture.copyAs', async (row?: Row, format?: CopyFormat) => {
      const target = rowTarget(s, row);
      const cloud = cloudOf(s);
      const chosen = format ?? (await vscode.window.showQuickPick(FORMATS.map(f => ({
        ...f,
        description: f.format === 'graphExplorer' && !graphExplorerAvailable(cloud) ? 'not for this cloud' : undefined,
      })), { title: `Copy ${safeLabel(target.request.path, 80)} as…`, placeHolder: 'The copy never holds a token' }))?.format;
      if (!chosen) {
        return undefined;
      }
      if (chosen === 'graphExplorer' && !graphExplorerAvailable(cloud)) {
        throw new PostureError('unavailable', `Graph Explorer works only with the global cloud; this tenant is in ${cloud.name}. Copy as curl or PowerShell instead.`);
      }
      const text = copyAs(chosen, target.request, cloud);
      await vscode.env.clipboard.writeText(text);
      void vscode.window.setStatusBarMessage(`$(copy) Copied ${FORMATS.find(f => f.format === chosen)!.label} for GET ${requestUrl(target.request, cloud)}`, 4000);
      return text;
    }),
    registerCommand(s, 'securityPosture.runGraphQuery', async (path?: unknown) => {
      const graph = s.connection.tenant?.graph;
      const input = typeof path === 'string' ? path : await vscode.window.showInputBox({
        title: 'Run Graph Query (GET, read-only)',
        prompt: `A /security/... path of the current tenant; v1.0 unless it starts with beta/. ${graph ? `Sent to ${graph.cloud.graphEndpoint}.` : ''}`,
        value: '/security/alerts_v2?$top=10',
        valueSelection: [0, '/security/alerts_v2'.length],
        ignoreFocusOut: true,
        validateInput: value => {
          const parsed = parseGraphPath(value, graph?.cloud.graphEndpoint ?? 'https://graph.microsoft.com');
          return parsed.ok ? undefined : parsed.reason;
        },
      });
      return input === undefined ? undefined : runGraphQuery(s, documents, input);
    }),
    registerCommand(s, 'securityPosture.loadNextPage', async (uri?: vscode.Uri) => {
      const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
      const document = target && documents.get(target);
      if (!target || !document?.nextLink || !document.request || !document.body) {
        throw new PostureError('notFound', 'This document has no next page. "Run Graph Query…" results with @odata.nextLink have one.');
      }
      const graph = s.connection.tenant?.graph;
      // A next link must stay on this cloud's Graph and under /security: the token goes with it.
      const parsed = graph && parseGraphPath(document.nextLink, graph.cloud.graphEndpoint);
      if (!graph || !parsed?.ok) {
        throw new PostureError('badRequest', `The next link was not followed: ${parsed && !parsed.ok ? parsed.reason : 'not connected.'}`);
      }
      const page = (await graph.get<ODataCollection<unknown>>(document.nextLink, { area: document.request.area, version: parsed.request.version })).data;
      const body = { ...document.body, ...page, value: [...(document.body.value ?? []), ...(page.value ?? [])] };
      if (!page['@odata.nextLink']) {
        delete body['@odata.nextLink'];
      }
      documents.set(target, { ...document, body, content: pretty(body), nextLink: nextLinkOf(page) });
      return target;
    }),
  ];
}
