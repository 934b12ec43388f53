import { useEffect, useState, type FormEvent } from 'react';
import { useClient, useMutation, useQuery } from 'urql';
import { Empty, ErrorNote, FieldError, Loading } from '../../components/States';
import { graphql } from '../../gql';
import type { ImportKind } from '../../gql/graphql';
import { problemOf, splitByField, type Problem } from '../../lib/errors';
import { num, when } from '../../lib/format';
import { useEvents } from '../../lib/live';
import { Progress } from '../campaign/CampaignPage';

graphql(`
  fragment ImportSummary on Import {
    id
    jobId
    kind
    fileName
    status
    rowsTotal
    rowsImported
    rowsDuplicate
    rowsInvalid
    error
    createdAt
    errorReportUrl
  }
`);

const ImportsQuery = graphql(`
  query ImportList {
    imports(first: 10) {
      ...ImportSummary
    }
  }
`);

const ImportQuery = graphql(`
  query ImportOne($id: ID!) {
    import(id: $id) {
      ...ImportSummary
      unmappedColumns
      issues(first: 50) {
        id
        rowNumber
        kind
        field
        message
      }
    }
  }
`);

const ImportLeads = graphql(`
  mutation ImportLeadsFromPage($input: ImportLeadsInput!) {
    importLeads(input: $input) {
      ...ImportSummary
    }
  }
`);
const ImportProperties = graphql(`
  mutation ImportPropertiesFromPage($input: ImportPropertiesInput!) {
    importProperties(input: $input) {
      ...ImportSummary
    }
  }
`);
const UploadUrl = graphql(`
  mutation ImportUploadUrl {
    createUploadUrl {
      uploadId
      url
      maxBytes
    }
  }
`);

const ImportJob = graphql(`
  subscription ImportJob($id: ID!) {
    jobProgress(id: $id) {
      progress
      state
      error
    }
  }
`);

/** Files up to this size travel inside the mutation; larger ones go to object storage first. */
const INLINE_BYTES = 512 * 1024;

/** Upload a CSV of leads or properties, watch it import, and read the rows it did not store. */
export function Imports() {
  const [list, refetchList] = useQuery({ query: ImportsQuery });
  const [current, setCurrent] = useState<string | null>(null);
  return (
    <section aria-labelledby="imports-title">
      <div className="screen-head">
        <h1 id="imports-title">Imports</h1>
      </div>
      <div className="grid2">
        <Upload
          onStarted={(id) => {
            setCurrent(id);
            refetchList({ requestPolicy: 'network-only' });
          }}
        />
        {current ? (
          <ImportProgress id={current} onDone={() => refetchList({ requestPolicy: 'network-only' })} />
        ) : (
          <div />
        )}
      </div>
      <div className="panel">
        <h2>Recent imports</h2>
        <ErrorNote problem={problemOf(list.error)} />
        {!list.data && list.fetching && <Loading what="imports" />}
        {list.data?.imports.length === 0 && <Empty>No imports yet.</Empty>}
        <ul className="rows">
          {list.data?.imports.map((i) => (
            <li key={i.id}>
              <button type="button" className="link" onClick={() => setCurrent(i.id)}>
                {i.fileName}
              </button>
              <span className="muted small">
                {i.kind} · {i.status} · {num(i.rowsImported)}/{num(i.rowsTotal)} imported · {when(i.createdAt)}
              </span>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}

function Upload({ onStarted }: { onStarted: (importId: string) => void }) {
  const client = useClient();
  const [kind, setKind] = useState<ImportKind>('LEADS');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [byField, setByField] = useState<Record<string, string>>({});
  const [, importLeads] = useMutation(ImportLeads);
  const [, importProperties] = useMutation(ImportProperties);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    setByField({});
    if (!file) return setByField({ file: 'Choose a CSV file first.' });
    setBusy(true);
    try {
      let input: { csv?: string; uploadId?: string; fileName: string };
      if (file.size <= INLINE_BYTES) input = { csv: await file.text(), fileName: file.name };
      else {
        const upload = await client.mutation(UploadUrl, {}).toPromise();
        if (upload.error || !upload.data) return setProblem(problemOf(upload.error));
        const put = await fetch(upload.data.createUploadUrl.url, {
          method: 'PUT',
          headers: { 'content-type': 'text/csv' },
          body: file,
        });
        if (!put.ok) return setProblem({ code: 'UPLOAD', message: `The file could not be uploaded (${put.status}).` });
        input = { uploadId: upload.data.createUploadUrl.uploadId, fileName: file.name };
      }
      const r = kind === 'LEADS' ? await importLeads({ input }) : await importProperties({ input });
      const { byField: fields, general } = splitByField(r.error);
      setByField(fields);
      setProblem(general);
      const started = r.data && ('importLeads' in r.data ? r.data.importLeads : r.data.importProperties);
      if (started) onStarted(started.id);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="panel" onSubmit={(e) => void submit(e)}>
      <h2>Upload a CSV</h2>
      <ErrorNote problem={problem} />
      <label htmlFor="import-kind">What it holds</label>
      <select id="import-kind" value={kind} onChange={(e) => setKind(e.target.value as ImportKind)}>
        <option value="LEADS">Leads</option>
        <option value="PROPERTIES">Properties</option>
      </select>
      <label htmlFor="import-file">File</label>
      <input
        id="import-file"
        type="file"
        accept=".csv,text/csv"
        onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        aria-describedby="file-error"
      />
      <FieldError id="file-error" message={byField.file ?? byField['input.csv']} />
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Uploading…' : 'Import'}
      </button>
    </form>
  );
}

function ImportProgress({ id, onDone }: { id: string; onDone: () => void }) {
  const [result, refetch] = useQuery({ query: ImportQuery, variables: { id }, requestPolicy: 'network-only' });
  const [progress, setProgress] = useState(0);
  const imp = result.data?.import;
  const running = imp && (imp.status === 'QUEUED' || imp.status === 'RUNNING');
  useEvents(
    ImportJob,
    { id: imp?.jobId ?? '' },
    (e) => {
      setProgress(e.jobProgress.progress / 100);
      if (e.jobProgress.state === 'completed' || e.jobProgress.state === 'failed') {
        refetch({ requestPolicy: 'network-only' });
        onDone();
      }
    },
    !running,
  );
  // A job that finished before the subscription started sends nothing more: look again now and then.
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => refetch({ requestPolicy: 'network-only' }), 3_000);
    return () => clearInterval(timer);
  }, [running, refetch]);
  if (!imp) return result.error ? <ErrorNote problem={problemOf(result.error)} /> : <Loading what="the import" />;
  const done = imp.status === 'COMPLETED' ? 1 : running ? progress : 0;
  return (
    <div className="panel" data-testid="import-progress">
      <h2>{imp.fileName}</h2>
      <Progress value={done} label={`Import of ${imp.fileName}`} big />
      <p data-testid="import-status">
        {imp.status === 'COMPLETED'
          ? `Done: ${num(imp.rowsImported)} imported, ${num(imp.rowsDuplicate)} duplicates, ` +
            `${num(imp.rowsInvalid)} invalid of ${num(imp.rowsTotal)} rows.`
          : imp.status === 'FAILED'
            ? `The import failed: ${imp.error ?? 'unknown reason'}`
            : 'Importing…'}
      </p>
      {result.data?.import.unmappedColumns.length ? (
        <p className="muted small">Columns not used: {result.data.import.unmappedColumns.join(', ')}</p>
      ) : null}
      {result.data && result.data.import.issues.length > 0 && (
        <>
          <h3>Rows not stored</h3>
          <ul className="rows issues" data-testid="import-issues">
            {result.data.import.issues.map((i) => (
              <li key={i.id}>
                Row {i.rowNumber}: {i.message}
                {i.field && <span className="muted small"> ({i.field})</span>}
              </li>
            ))}
          </ul>
          {imp.errorReportUrl && <a href={imp.errorReportUrl}>Download the full report (CSV)</a>}
        </>
      )}
    </div>
  );
}
