import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { InferenceService } from './inference-service';
import { DeploymentMode } from './kserve-config';
import { check, checkProps, checkWorkloadProps, Is } from '../core/checks';
import { wholeSeconds } from '../core/durations';
import { checkInteger, invalid } from '../core/errors';
import { checkDns1123Subdomain, ResourceNames } from '../core/names';
import { PodTemplate, prune } from '../core/pod-template';
import { StatusContract, StatusSource } from '../core/status-contract';
import { WorkloadBase, WorkloadMetadataProps } from '../core/workload';

/** What a step sends to its target. */
export enum StepData {
  /** The request the graph node received (the default). */
  REQUEST = '$request',
  /** The response of the previous step (Sequence nodes). */
  RESPONSE = '$response',
}

/** Whether a failing step fails the node. */
export enum StepDependency {
  /** The node goes on without the step's result (the default). */
  SOFT = 'Soft',
  /** The node fails when the step fails. */
  HARD = 'Hard',
}

/** Options of a graph step. */
export interface GraphStepOptions {
  /**
   * Step name, unique within its node (Ensemble results are keyed by it).
   * @default - unnamed
   */
  readonly name?: string;
  /**
   * What the step sends.
   * @default StepData.REQUEST
   */
  readonly data?: StepData;
  /**
   * GJSON condition on the input; the step runs only when it matches (required in Switch nodes).
   * @default - always runs
   */
  readonly condition?: string;
  /**
   * Whether a failure of this step fails the node.
   * @default StepDependency.SOFT
   */
  readonly dependency?: StepDependency;
  /**
   * Share of traffic in a Splitter node (the weights of a Splitter add up to 100).
   * @default - none (required in Splitter nodes)
   */
  readonly weight?: number;
}

/**
 * One step of a graph node: an InferenceService of the app or another node of the graph.
 * Targets are typed references, so the graph never holds a hand-written service URL.
 */
export class GraphStep {
  /** Calls an InferenceService (by name, in the graph's namespace). */
  public static service(service: InferenceService, options: GraphStepOptions = {}): GraphStep {
    return new GraphStep(service, undefined, options);
  }

  /** Routes to another node of the graph. */
  public static node(node: GraphNode, options: GraphStepOptions = {}): GraphStep {
    return new GraphStep(undefined, node, options);
  }

  private constructor(
    /** @internal */ public readonly _service: InferenceService | undefined,
    /** @internal */ public readonly _node: GraphNode | undefined,
    /** Step options. */
    public readonly options: GraphStepOptions,
  ) {
    this.options = options ?? {};
  }
}

/** How a node routes a request over its steps. */
export enum RouterType {
  /** Steps run one after another. */
  SEQUENCE = 'Sequence',
  /** The first step whose condition matches runs. */
  SWITCH = 'Switch',
  /** All steps run in parallel; the results are combined by step name. */
  ENSEMBLE = 'Ensemble',
  /** One step is picked at random by weight. */
  SPLITTER = 'Splitter',
}

/** A node of an inference graph. */
export class GraphNode {
  /** Steps run one after another (use `StepData.RESPONSE` to chain outputs). */
  public static sequence(name: string, steps: GraphStep[]): GraphNode {
    return new GraphNode(name, RouterType.SEQUENCE, steps);
  }

  /**
   * The first step whose condition matches runs (KServe's `Switch` router; named so that it reads the same in every
   * language: `switch` is a keyword in Java, C# and Go).
   */
  public static conditional(name: string, steps: GraphStep[]): GraphNode {
    return new GraphNode(name, RouterType.SWITCH, steps);
  }

  /** All steps run in parallel. */
  public static ensemble(name: string, steps: GraphStep[]): GraphNode {
    return new GraphNode(name, RouterType.ENSEMBLE, steps);
  }

  /** One step is chosen per request, by weight (weights add up to 100). */
  public static splitter(name: string, steps: GraphStep[]): GraphNode {
    return new GraphNode(name, RouterType.SPLITTER, steps);
  }

  private constructor(
    /** Node name (the graph's entry node is always named `root`). */
    public readonly name: string,
    /** Router type. */
    public readonly routerType: RouterType,
    /** Steps. */
    public readonly steps: GraphStep[],
  ) {}
}

const STEP_OPTIONS = {
  name: Is.string(),
  data: Is.enumOf(StepData, 'StepData'),
  condition: Is.string(),
  dependency: Is.enumOf(StepDependency, 'StepDependency'),
  weight: Is.integer(0, 100),
};

/** Checks the types of a graph node and its steps (what the steps mean is checked when they render). */
function checkGraphNode(scope: IConstruct, field: string, n: GraphNode): void {
  check(scope, field, n, Is.required(Is.shape({
    name: Is.required(Is.string()),
    steps: Is.required(Is.arrayOf(Is.instance('_node', 'must be a GraphStep, e.g. GraphStep.service(service)'))),
  }, 'must be a GraphNode, e.g. GraphNode.sequence(name, steps)')));
  n.steps.forEach((s, i) => {
    const at = `${field}.steps[${i}]`;
    checkProps(scope, s.options, STEP_OPTIONS, `${at}.`, true);
    check(scope, `${at}.service`, s._service, Is.instance('apiObject', 'must be an InferenceService'));
    check(scope, `${at}.node`, s._node, Is.instance('routerType', 'must be a GraphNode'));
    if (s._service === undefined && s._node === undefined) {
      invalid(scope, at, s._service, 'a step calls an InferenceService (GraphStep.service) or another node (GraphStep.node)');
    }
  });
}

/** Props of {@link InferenceGraph}. */
export interface InferenceGraphProps extends WorkloadMetadataProps {
  /** Entry node (rendered as the node named `root`); nodes it routes to are added automatically. */
  readonly root: GraphNode;
  /**
   * Deployment mode of the router (Knative or Standard).
   * @default DeploymentMode.KNATIVE
   */
  readonly mode?: DeploymentMode;
  /**
   * Minimum router replicas (0 scales to zero, Knative mode only).
   * @default - 1
   */
  readonly minReplicas?: number;
  /**
   * Maximum router replicas.
   * @default - the autoscaler's default
   */
  readonly maxReplicas?: number;
  /**
   * Request timeout (whole seconds).
   * @default - KServe's default
   */
  readonly timeout?: Duration;
  /**
   * Service account of the router.
   * @default - the namespace's default account
   */
  readonly serviceAccountName?: string;
}

const GRAPH_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A KServe `InferenceGraph` (serving.kserve.io/v1alpha1): Sequence, Switch, Ensemble and Splitter nodes
 * over the app's InferenceServices. The graph is checked where it is declared and rendered at synth. Its namespace
 * (the graph's, or the chart's) must be the namespace of every service it calls.
 */
export class InferenceGraph extends WorkloadBase {
  /**
   * How an InferenceGraph's readiness is read: it is ready when condition `Ready` is `"True"` (in Knative mode KServe
   * copies the router's Knative Service conditions, in Standard mode it sets `Ready` once the router's Deployment is
   * available). It never completes, and KServe has no terminal failure; a stopped graph has `Ready` `"False"`.
   */
  public static readonly STATUS: StatusContract = {
    apiVersion: 'serving.kserve.io/v1alpha1',
    kind: 'InferenceGraph',
    source: StatusSource.CONDITIONS,
    path: '.status.conditions',
    succeeded: ['Ready'],
    failed: [],
    messagePath: '.status.conditions[?(@.type=="Ready")].message',
    completes: false,
  };

  /** The InferenceGraph object. */
  public readonly apiObject: ApiObject;
  /** {@link InferenceGraph.STATUS}. */
  public readonly statusContract: StatusContract = InferenceGraph.STATUS;
  /** None: KServe builds the router's pods entirely. */
  public readonly podTemplates: PodTemplate[] = [];
  /** The router container, which KServe names after the graph. */
  public readonly primaryContainerName: string;
  /** Deployment mode of the router. */
  public readonly mode: DeploymentMode;

  private readonly props: InferenceGraphProps;

  constructor(scope: Construct, id: string, props: InferenceGraphProps) {
    super(scope, id, { ...props, maxNameLength: 63 });
    checkWorkloadProps(this, props, {
      root: Is.required(Is.instance('routerType', 'must be a GraphNode, e.g. GraphNode.sequence(\'root\', steps)')),
      mode: Is.enumOf(DeploymentMode, 'DeploymentMode'),
      minReplicas: Is.integer(0, 2147483647),
      maxReplicas: Is.integer(1, 2147483647),
    });
    this.props = props;
    this.primaryContainerName = this.name;
    const mode = this.mode = props.mode ?? DeploymentMode.KNATIVE;
    if (!GRAPH_NAME.test(this.name) || this.name.length > 63) {
      invalid(this, 'name', this.name, "must start with a lowercase letter and hold only lowercase letters, digits and '-' (at most 63 characters)");
    }
    if (mode === DeploymentMode.MODEL_MESH) invalid(this, 'mode', mode, 'an InferenceGraph runs in Knative or Standard mode');
    checkInteger(this, 'minReplicas', props.minReplicas, 0);
    checkInteger(this, 'maxReplicas', props.maxReplicas, 1);
    if (props.minReplicas === 0 && mode !== DeploymentMode.KNATIVE) {
      invalid(this, 'minReplicas', 0, 'only Knative mode scales an InferenceGraph to zero');
    }
    if (props.minReplicas !== undefined && props.maxReplicas !== undefined && props.minReplicas > props.maxReplicas) {
      invalid(this, 'maxReplicas', props.maxReplicas, `must be at least minReplicas (${props.minReplicas})`);
    }
    checkInteger(this, 'timeout', wholeSeconds(this, 'timeout', props.timeout), 1);
    checkDns1123Subdomain(this, 'serviceAccountName', props.serviceAccountName);

    this.apiObject = this.createApiObject('serving.kserve.io/v1alpha1', 'InferenceGraph', { [InferenceService.DEPLOYMENT_MODE_ANNOTATION]: mode });
    this.renderSpec(); // validate eagerly: nodes and steps
  }

  protected renderSpec(): any {
    const props = this.props;
    const nodes = this.collectNodes();
    const rendered: Record<string, any> = {};
    for (const [n, nodeName] of nodes) {
      rendered[nodeName] = { routerType: n.routerType, steps: this.renderSteps(nodeName, n, nodes) };
    }
    return prune({
      nodes: rendered,
      minReplicas: props.minReplicas,
      maxReplicas: props.maxReplicas,
      timeout: wholeSeconds(this, 'timeout', props.timeout),
      serviceAccountName: props.serviceAccountName,
    });
  }

  /** The nodes reachable from the root, by name (the root is always called 'root'). */
  private collectNodes(): Map<GraphNode, string> {
    const nodes = new Map<GraphNode, string>();
    const visit = (n: GraphNode, path: GraphNode[]) => {
      checkGraphNode(this, path.length === 0 ? 'root' : `nodes.${typeof n?.name === 'string' ? n.name : String(path.length)}`, n);
      if (path.includes(n)) invalid(this, `nodes.${n.name}`, [...path, n].map(x => nodes.get(x) ?? x.name).join(' -> '), 'the graph must not have cycles');
      if (nodes.has(n)) return;
      const name = path.length === 0 ? 'root' : n.name;
      if (path.length > 0 && (name === 'root' || [...nodes.values()].includes(name))) {
        invalid(this, `nodes.${name}`, name, "node names must be unique and only the entry node is called 'root'");
      }
      if (!ResourceNames.isDns1123Label(name)) invalid(this, `nodes.${name}`, name, 'node names must be DNS-1123 labels');
      nodes.set(n, name);
      n.steps.forEach(s => s._node && visit(s._node, [...path, n]));
    };
    visit(this.props.root, []);
    return nodes;
  }

  private renderSteps(nodeName: string, n: GraphNode, nodes: Map<GraphNode, string>): any[] {
    const field = `nodes.${nodeName}.steps`;
    if (n.steps.length === 0) invalid(this, field, [], 'a node needs at least one step');
    const names = new Set<string>();
    let weights = 0;
    const out = n.steps.map((s, i) => {
      const o = s.options;
      if (o.name !== undefined) {
        if (!ResourceNames.isDns1123Label(o.name)) invalid(this, `${field}[${i}].name`, o.name, 'step names must be DNS-1123 labels');
        if (names.has(o.name)) invalid(this, `${field}[${i}].name`, o.name, 'step names must be unique within a node');
        names.add(o.name);
      }
      if (n.routerType === RouterType.SPLITTER) {
        if (o.weight === undefined) invalid(this, `${field}[${i}].weight`, undefined, 'every step of a Splitter node needs a weight');
        checkInteger(this, `${field}[${i}].weight`, o.weight, 1, 100);
        weights += o.weight;
      } else if (o.weight !== undefined) {
        invalid(this, `${field}[${i}].weight`, o.weight, 'only Splitter nodes use weights');
      }
      if (n.routerType === RouterType.SWITCH && !o.condition?.trim()) {
        invalid(this, `${field}[${i}].condition`, o.condition, 'every step of a Switch node needs a condition');
      }
      if (o.data === StepData.RESPONSE && n.routerType !== RouterType.SEQUENCE) {
        invalid(this, `${field}[${i}].data`, o.data, "only Sequence steps receive the previous step's '$response'");
      }
      if (s._service) {
        const graphNs = this.namespace;
        const serviceNs = s._service.namespace ?? Chart.of(s._service).namespace;
        if (graphNs !== serviceNs) {
          invalid(this, `${field}[${i}]`, s._service.name,
            `the graph calls services in its own namespace (${graphNs ?? 'the default namespace'}); this one is in ${serviceNs ?? 'the default namespace'}`);
        }
      }
      return {
        name: o.name,
        serviceName: s._service?.name,
        nodeName: s._node ? nodes.get(s._node) : undefined,
        data: o.data,
        condition: o.condition,
        dependency: o.dependency,
        weight: o.weight,
      };
    });
    if (n.routerType === RouterType.SPLITTER && weights !== 100) {
      invalid(this, field, weights, 'the weights of a Splitter node must add up to 100');
    }
    return out;
  }
}
