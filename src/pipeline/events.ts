import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { ARGO_API_VERSION, MLPipeline } from './ml-pipeline';
import { checkSchedule, checkTimezone } from './run-mode';
import { SecretKeyRef } from './steps';
import { checkInteger, invalid } from '../core/errors';
import { checkDns1123Label, checkDns1123Subdomain, ResourceNames } from '../core/names';
import { PodSecurity } from '../core/security';
import { CronSchedule } from '../data/cron-schedule';

const secretSelector = (s: SecretKeyRef | undefined) => (s ? { name: s.name, key: s.key } : undefined);

/** Props of {@link EventBus}. */
export interface EventBusProps {
  /**
   * Name. Event sources and sensors that name no bus use the one named `default`.
   * @default 'default'
   */
  readonly name?: string;
  /**
   * Namespace.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * JetStream replicas (at least 3 for a highly available bus).
   * @default 3
   */
  readonly replicas?: number;
  /**
   * JetStream version, one the controller's configuration lists.
   * @default 'latest'
   */
  readonly version?: string;
  /**
   * Size of each replica's persistent volume.
   * @default - no persistence (events in flight are lost when a replica restarts)
   */
  readonly persistenceSizeGi?: number;
  /**
   * Storage class of the persistent volumes.
   * @default - the cluster's default
   */
  readonly storageClassName?: string;
}

/** The Argo Events bus (NATS JetStream) that carries events from event sources to sensors. */
export class EventBus extends Construct {
  /** Name of the bus. */
  public readonly name: string;
  /** The EventBus object. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: EventBusProps = {}) {
    super(scope, id);
    this.name = props.name ?? 'default';
    checkDns1123Label(this, 'name', this.name);
    checkInteger(this, 'replicas', props.replicas, 1);
    checkInteger(this, 'persistenceSizeGi', props.persistenceSizeGi, 1);
    const sc = new PodSecurity().podSecurityContext();
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: ARGO_API_VERSION,
      kind: 'EventBus',
      metadata: { name: this.name, namespace: props.namespace },
      spec: {
        jetstream: {
          version: props.version ?? 'latest',
          replicas: props.replicas ?? 3,
          securityContext: sc,
          persistence: props.persistenceSizeGi ? { volumeSize: `${props.persistenceSizeGi}Gi`, storageClassName: props.storageClassName, accessMode: 'ReadWriteOnce' } : undefined,
        },
      },
    });
  }
}

/** Options of a webhook event source. */
export interface WebhookEventOptions {
  /** Path the endpoint listens on, e.g. `/new-data`. */
  readonly endpoint: string;
  /**
   * Port.
   * @default 12000
   */
  readonly port?: number;
  /**
   * HTTP method.
   * @default 'POST'
   */
  readonly method?: string;
  /**
   * Secret key holding a bearer token the callers must send.
   * @default - no authentication (put the endpoint behind an authenticating ingress)
   */
  readonly authSecret?: SecretKeyRef;
}

/** Options of an S3 / MinIO bucket notification event source. */
export interface BucketEventOptions {
  /** Bucket. */
  readonly bucket: string;
  /** Endpoint (host:port) of the S3 or MinIO server. */
  readonly endpoint: string;
  /** Secret key holding the access key id. */
  readonly accessKey: SecretKeyRef;
  /** Secret key holding the secret access key. */
  readonly secretKey: SecretKeyRef;
  /**
   * Bucket events listened to.
   * @default ['s3:ObjectCreated:*']
   */
  readonly events?: string[];
  /**
   * Only objects whose key starts with this.
   * @default ''
   */
  readonly prefix?: string;
  /**
   * Only objects whose key ends with this.
   * @default ''
   */
  readonly suffix?: string;
  /**
   * Connect without TLS.
   * @default false
   */
  readonly insecure?: boolean;
}

/** Options of a Kafka event source. */
export interface KafkaEventOptions {
  /** Broker URL(s), comma-separated `host:port`. */
  readonly url: string;
  /** Topic. */
  readonly topic: string;
  /**
   * Consumer group (all partitions); without it, one partition is read.
   * @default - partition '0'
   */
  readonly consumerGroup?: string;
}

/** Options of a calendar event source. */
export interface CalendarEventOptions {
  /** When events are emitted. */
  readonly schedule: CronSchedule;
  /**
   * IANA time zone.
   * @default 'UTC'
   */
  readonly timezone?: string;
}

/** Kind of change of a Kubernetes object. */
export enum ResourceEventType {
  /** Created. */
  ADD = 'ADD',
  /** Updated. */
  UPDATE = 'UPDATE',
  /** Deleted. */
  DELETE = 'DELETE',
}

/** Options of a Kubernetes resource event source. */
export interface ResourceEventOptions {
  /** API group (`''` for core). */
  readonly group: string;
  /** API version. */
  readonly version: string;
  /** Resource (plural), e.g. `configmaps`. */
  readonly resource: string;
  /** Changes listened to. */
  readonly eventTypes: ResourceEventType[];
  /**
   * Only objects with these labels.
   * @default - every object
   */
  readonly labels?: { [key: string]: string };
  /**
   * Namespace watched.
   * @default - the event source's namespace
   */
  readonly namespace?: string;
}

/** Options of a GitHub or GitLab event source (a webhook the source registers). */
export interface GitEventOptions {
  /** Repositories (GitHub: `owner/name`) or project ids/paths (GitLab). */
  readonly repositories: string[];
  /** Events, e.g. `push` (GitHub) or `PushEvents` (GitLab). */
  readonly events: string[];
  /** Public URL of the webhook endpoint (without the path), which GitHub or GitLab calls. */
  readonly url: string;
  /** Path of the webhook endpoint. */
  readonly endpoint: string;
  /** Secret key holding the API token used to register the webhook. */
  readonly apiToken: SecretKeyRef;
  /** Secret key holding the webhook secret that signs deliveries. */
  readonly webhookSecret: SecretKeyRef;
  /**
   * Port.
   * @default 12000
   */
  readonly port?: number;
  /**
   * GitLab server URL (GitLab only).
   * @default 'https://gitlab.com'
   */
  readonly baseUrl?: string;
}

/** What an event source listens to: one of its static factories. */
export class EventSourceKind {
  /** An HTTP endpoint. */
  public static webhook(options: WebhookEventOptions): EventSourceKind {
    return new EventSourceKind('webhook', options.port ?? 12000, (scope) => {
      checkEndpoint(scope, 'source.endpoint', options.endpoint);
      return {
        endpoint: options.endpoint,
        port: String(options.port ?? 12000),
        method: options.method ?? 'POST',
        url: '',
        authSecret: secretSelector(options.authSecret),
      };
    });
  }

  /** Notifications of an S3-compatible bucket (MinIO's bucket notifications; `minio` in Argo Events). */
  public static bucket(options: BucketEventOptions): EventSourceKind {
    return new EventSourceKind('minio', undefined, (scope) => {
      checkDns1123Subdomain(scope, 'source.bucket', options.bucket);
      return {
        bucket: { name: options.bucket },
        endpoint: options.endpoint,
        events: options.events ?? ['s3:ObjectCreated:*'],
        filter: { prefix: options.prefix ?? '', suffix: options.suffix ?? '' },
        insecure: options.insecure,
        accessKey: secretSelector(options.accessKey),
        secretKey: secretSelector(options.secretKey),
      };
    });
  }

  /** Messages of a Kafka topic. */
  public static kafka(options: KafkaEventOptions): EventSourceKind {
    return new EventSourceKind('kafka', undefined, () => ({
      url: options.url,
      topic: options.topic,
      consumerGroup: options.consumerGroup ? { groupName: options.consumerGroup } : undefined,
      partition: options.consumerGroup ? undefined : '0',
      jsonBody: true,
    }));
  }

  /** A schedule. */
  public static calendar(options: CalendarEventOptions): EventSourceKind {
    return new EventSourceKind('calendar', undefined, (scope) => {
      checkSchedule(scope, 'source.schedule', options.schedule);
      checkTimezone(scope, 'source.timezone', options.timezone);
      return { schedule: options.schedule.expressionString, timezone: options.timezone ?? 'UTC' };
    });
  }

  /** Changes of Kubernetes objects. */
  public static resource(options: ResourceEventOptions): EventSourceKind {
    return new EventSourceKind('resource', undefined, (scope, namespace) => {
      if (!options.eventTypes?.length) invalid(scope, 'source.eventTypes', options.eventTypes, 'give at least one ResourceEventType');
      if ((options.namespace ?? namespace) === undefined) {
        invalid(scope, 'source.namespace', undefined, 'give the namespace to watch (or declare the event source in a chart with a namespace)');
      }
      return {
        namespace: options.namespace ?? namespace,
        group: options.group,
        version: options.version,
        resource: options.resource,
        eventTypes: options.eventTypes,
        filter: options.labels ? { labels: Object.entries(options.labels).map(([key, value]) => ({ key, operation: '=', value })) } : undefined,
      };
    }, ['get', 'list', 'watch'], options);
  }

  /** Pushes, pull requests... of GitHub repositories. */
  public static github(options: GitEventOptions): EventSourceKind {
    return new EventSourceKind('github', options.port ?? 12000, (scope) => {
      checkEndpoint(scope, 'source.endpoint', options.endpoint);
      const repos = new Map<string, string[]>();
      options.repositories.forEach((r, i) => {
        const [owner, name, ...rest] = r.split('/');
        if (!owner || !name || rest.length) invalid(scope, `source.repositories[${i}]`, r, "must be 'owner/name'");
        repos.set(owner, [...(repos.get(owner) ?? []), name]);
      });
      return {
        repositories: [...repos.entries()].map(([owner, names]) => ({ owner, names })),
        events: options.events,
        webhook: { endpoint: options.endpoint, port: String(options.port ?? 12000), method: 'POST', url: options.url },
        apiToken: secretSelector(options.apiToken),
        webhookSecret: secretSelector(options.webhookSecret),
        active: true,
        contentType: 'json',
      };
    });
  }

  /** Pushes, merge requests... of GitLab projects. */
  public static gitlab(options: GitEventOptions): EventSourceKind {
    return new EventSourceKind('gitlab', options.port ?? 12000, (scope) => {
      checkEndpoint(scope, 'source.endpoint', options.endpoint);
      return {
        projects: options.repositories,
        events: options.events,
        webhook: { endpoint: options.endpoint, port: String(options.port ?? 12000), method: 'POST', url: options.url },
        accessToken: secretSelector(options.apiToken),
        secretToken: secretSelector(options.webhookSecret),
        gitlabBaseURL: options.baseUrl ?? 'https://gitlab.com',
      };
    });
  }

  private constructor(
    /** The field of the EventSource spec (`webhook`, `minio`, `kafka`, `calendar`, `resource`, `github`, `gitlab`). */
    public readonly sourceType: string,
    /** Port of the source's Service, for sources that receive HTTP calls. */
    public readonly port: number | undefined,
    private readonly render: (scope: Construct, namespace: string | undefined) => any,
    /** @internal */ public readonly _watchVerbs?: string[],
    /** @internal */ public readonly _resource?: ResourceEventOptions,
  ) {}

  /** @internal */
  public _render(scope: Construct, namespace: string | undefined): any {
    return this.render(scope, namespace);
  }
}

/** Props of {@link EventSource}. */
export interface EventSourceProps {
  /** What the source listens to. */
  readonly source: EventSourceKind;
  /**
   * Name.
   * @default - derived from the construct path
   */
  readonly name?: string;
  /**
   * Namespace.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * Name of the event (a sensor depends on `source, eventName`).
   * @default 'default'
   */
  readonly eventName?: string;
  /**
   * The bus the events go to.
   * @default - the bus named `default`
   */
  readonly eventBus?: EventBus;
}

/**
 * An Argo Events event source of one event. Its pod runs restricted; a webhook (or GitHub/GitLab) source gets a
 * Service on its port; a Kubernetes resource source gets a ServiceAccount that may only get, list and watch the
 * watched resource.
 */
export class EventSource extends Construct {
  /** Name of the event source. */
  public readonly name: string;
  /** Namespace of the event source (from the props or the chart). */
  public readonly namespace?: string;
  /** Name of its event. */
  public readonly eventName: string;
  /** The EventSource object. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: EventSourceProps) {
    super(scope, id);
    this.name = props.name ?? ResourceNames.uniqueLabel(this, 63);
    this.eventName = props.eventName ?? 'default';
    checkDns1123Label(this, 'name', this.name);
    if (!/^[a-zA-Z0-9][-a-zA-Z0-9_.]*$/.test(this.eventName)) invalid(this, 'eventName', this.eventName, "letters, digits, '-', '_' and '.'");
    if (!(props.source instanceof EventSourceKind)) invalid(this, 'source', props.source, 'must be an EventSourceKind (EventSourceKind.webhook(...), .bucket(...), ...)');
    const source = props.source;
    checkDns1123Label(this, 'namespace', props.namespace);
    this.namespace = props.namespace ?? Chart.of(this).namespace;
    // a resource source watches its own namespace by default (a Role suffices; all namespaces would need a ClusterRole)
    const body = source._render(this, this.namespace);
    let serviceAccountName: string | undefined;
    if (source._watchVerbs && source._resource) {
      serviceAccountName = `${this.name.slice(0, 55)}-source`;
      const r = source._resource;
      const ns = props.namespace;
      new ApiObject(this, 'ServiceAccount', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: serviceAccountName, namespace: ns } });
      new ApiObject(this, 'Role', {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: serviceAccountName, namespace: r.namespace ?? ns },
        rules: [{ apiGroups: [r.group], resources: [r.resource], verbs: source._watchVerbs }],
      });
      new ApiObject(this, 'RoleBinding', {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: serviceAccountName, namespace: r.namespace ?? ns },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: serviceAccountName },
        subjects: [{ kind: 'ServiceAccount', name: serviceAccountName, namespace: this.namespace }],
      });
    }
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: ARGO_API_VERSION,
      kind: 'EventSource',
      metadata: { name: this.name, namespace: props.namespace },
      spec: {
        eventBusName: props.eventBus?.name,
        template: { serviceAccountName, securityContext: new PodSecurity().podSecurityContext() },
        service: source.port !== undefined ? { ports: [{ port: source.port, targetPort: source.port }] } : undefined,
        [source.sourceType]: { [this.eventName]: body },
      },
    });
  }
}

function checkEndpoint(scope: Construct, field: string, endpoint: string): void {
  if (typeof endpoint !== 'string' || !/^\/[A-Za-z0-9._~\/-]*$/.test(endpoint)) invalid(scope, field, endpoint, "must be a URL path such as '/new-data'");
}

/** A value of the event passed to a pipeline parameter. */
export interface TriggerParameter {
  /** The pipeline parameter it sets. */
  readonly pipelineParameter: string;
  /**
   * Path in the event (gjson), e.g. `body.key`, `notification.0.s3.object.key`.
   * @default - the whole event
   */
  readonly dataKey?: string;
  /**
   * Go template over the event, e.g. `{{ .Input.body.bucket }}/{{ .Input.body.key }}` (instead of dataKey).
   * @default - none
   */
  readonly dataTemplate?: string;
  /**
   * Value when the event lacks it.
   * @default - none: the trigger fails
   */
  readonly defaultValue?: string;
}

/** Props of {@link PipelineTrigger}. */
export interface PipelineTriggerProps {
  /** The pipeline each event submits (it must run as a template: `PipelineRun.template()`). */
  readonly pipeline: MLPipeline;
  /** The event source whose events trigger it. */
  readonly source: EventSource;
  /**
   * Values of the event passed as pipeline parameters.
   * @default []
   */
  readonly parameters?: TriggerParameter[];
  /**
   * Name of the Sensor.
   * @default - derived from the construct path
   */
  readonly name?: string;
  /**
   * The bus the events come from.
   * @default - the bus named `default`
   */
  readonly eventBus?: EventBus;
  /**
   * Retries of a failed submission.
   * @default 3
   */
  readonly retries?: number;
  /**
   * Delay before the first retry (doubled after each).
   * @default Duration.seconds(5)
   */
  readonly retryDelay?: Duration;
}

/**
 * An Argo Events Sensor that submits a run of a pipeline (a Workflow from its WorkflowTemplate) for each event,
 * with pipeline parameters taken from the event. Its ServiceAccount may only create Workflows.
 */
export class PipelineTrigger extends Construct {
  /** Name of the Sensor. */
  public readonly name: string;
  /** The Sensor object. */
  public readonly apiObject: ApiObject;
  /** The Sensor's ServiceAccount. */
  public readonly serviceAccountName: string;

  constructor(scope: Construct, id: string, props: PipelineTriggerProps) {
    super(scope, id);
    this.name = props.name ?? ResourceNames.uniqueLabel(this, 63);
    checkDns1123Label(this, 'name', this.name);
    const pipeline = props.pipeline;
    if (!(pipeline instanceof MLPipeline)) invalid(this, 'pipeline', pipeline, 'must be an MLPipeline');
    if (pipeline.kind !== 'WorkflowTemplate') {
      invalid(this, 'pipeline', pipeline.name, `the pipeline runs as a ${pipeline.kind}; a trigger submits runs of a pipeline declared with run: PipelineRun.template()`);
    }
    if (!(props.source instanceof EventSource)) invalid(this, 'source', props.source, 'must be an EventSource');
    checkInteger(this, 'retries', props.retries, 0);
    const declared = pipeline._parameters.map(p => p.name);
    const params = props.parameters ?? [];
    params.forEach((p, i) => {
      if (!declared.includes(p.pipelineParameter)) {
        invalid(this, `parameters[${i}].pipelineParameter`, p.pipelineParameter,
          `the pipeline '${pipeline.name}' declares no parameter '${p.pipelineParameter}' (declared: ${declared.map(d => `'${d}'`).join(', ') || 'none'})`);
      }
      if (p.dataKey !== undefined && p.dataTemplate !== undefined) invalid(this, `parameters[${i}]`, p.pipelineParameter, 'give dataKey or dataTemplate, not both');
    });
    const required = pipeline._parameters.filter(p => p.defaultValue === undefined && !params.some(x => x.pipelineParameter === p.name));
    if (required.length) {
      invalid(this, 'parameters', params.map(p => p.pipelineParameter),
        `the pipeline's parameter${required.length > 1 ? 's' : ''} ${required.map(r => `'${r.name}'`).join(', ')} ha${required.length > 1 ? 've' : 's'} no default: take ${required.length > 1 ? 'them' : 'it'} from the event`);
    }
    // the Sensor runs beside the pipeline (it creates the runs there) and must share its event source's bus
    const namespace = pipeline.namespace;
    if (props.source.namespace !== namespace) {
      invalid(this, 'source', props.source.name,
        `the event source is in namespace '${props.source.namespace}' but the pipeline in '${namespace}'; a Sensor reads events of its own namespace's bus and creates runs there`);
    }
    this.serviceAccountName = `${this.name.slice(0, 55)}-sensor`;
    const sa = this.serviceAccountName;
    new ApiObject(this, 'ServiceAccount', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace } });
    new ApiObject(this, 'Role', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: sa, namespace },
      rules: [{ apiGroups: ['argoproj.io'], resources: ['workflows'], verbs: ['create'] }],
    });
    new ApiObject(this, 'RoleBinding', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: sa, namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: sa },
      subjects: [{ kind: 'ServiceAccount', name: sa, namespace }],
    });
    const dependency = 'event';
    const all = pipeline._parameters;
    const delay = props.retryDelay ?? Duration.seconds(5);
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: ARGO_API_VERSION,
      kind: 'Sensor',
      metadata: { name: this.name, namespace },
      spec: {
        eventBusName: props.eventBus?.name,
        template: { serviceAccountName: sa, securityContext: new PodSecurity().podSecurityContext() },
        dependencies: [{ name: dependency, eventSourceName: props.source.name, eventName: props.source.eventName }],
        triggers: [{
          template: {
            name: 'submit',
            k8s: {
              operation: 'create',
              source: {
                resource: {
                  apiVersion: ARGO_API_VERSION,
                  kind: 'Workflow',
                  metadata: { generateName: `${pipeline.name}-`, namespace, labels: pipeline._runLabels() },
                  spec: {
                    workflowTemplateRef: { name: pipeline.name },
                    arguments: all.length ? { parameters: all.map(p => ({ name: p.name, value: p.defaultValue ?? '' })) } : undefined,
                  },
                },
              },
              parameters: params.map(p => ({
                src: {
                  dependencyName: dependency,
                  dataKey: p.dataTemplate === undefined ? p.dataKey : undefined,
                  dataTemplate: p.dataTemplate,
                  value: p.defaultValue,
                },
                dest: `spec.arguments.parameters.${all.findIndex(x => x.name === p.pipelineParameter)}.value`,
              })),
            },
          },
          retryStrategy: { steps: props.retries ?? 3, duration: `${Math.max(1, Math.round(delay.toSeconds()))}s`, factor: 2 },
        }],
      },
    });
  }
}
