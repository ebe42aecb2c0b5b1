// JSON schemas for the operator CRs in k8s/ that have no model on npm (Strimzi, CloudNativePG,
// the OT redis-operator). DERIVED BY HAND from the operators' API references (Strimzi
// kafka.strimzi.io/v1beta2, CNPG postgresql.cnpg.io/v1, redis.redis.opstreelabs.in/v1beta2),
// covering the fields these manifests use plus their required fields and types; unknown
// fields are refused at the levels listed, so a typo fails here before a cluster sees it.
// They are not the CRDs' own OpenAPI schemas (those ship only in the operators' Helm charts
// and release YAML, not on npm).
const str = { type: 'string', minLength: 1 };
const int = (minimum = 0) => ({ type: 'integer', minimum });
const quantity = { anyOf: [{ type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$' }, { type: 'number' }] };
const resources = {
  type: 'object',
  additionalProperties: false,
  properties: { requests: { type: 'object', additionalProperties: quantity }, limits: { type: 'object', additionalProperties: quantity } },
};
const metadata = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', maxLength: 253 }, labels: { type: 'object' }, annotations: { type: 'object' } },
};
const resource = (apiVersion, kind, spec, metaExtra = {}) => ({
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: { apiVersion: { const: apiVersion }, kind: { const: kind }, metadata: { ...metadata, ...metaExtra }, spec },
});
const clusterLabel = {
  properties: { ...metadata.properties, labels: { type: 'object', required: ['strimzi.io/cluster'], properties: { 'strimzi.io/cluster': str } } },
  required: ['name', 'labels'],
};

const volume = {
  type: 'object',
  required: ['type'],
  additionalProperties: false,
  properties: {
    id: int(),
    type: { enum: ['ephemeral', 'persistent-claim'] },
    size: quantity,
    class: str,
    deleteClaim: { type: 'boolean' },
    kraftMetadata: { enum: ['shared'] },
  },
};

export const crdSchemas = {
  'kafka.strimzi.io/v1beta2/KafkaNodePool': resource(
    'kafka.strimzi.io/v1beta2',
    'KafkaNodePool',
    {
      type: 'object',
      required: ['replicas', 'roles', 'storage'],
      additionalProperties: false,
      properties: {
        replicas: int(),
        roles: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: ['controller', 'broker'] } },
        storage: {
          type: 'object',
          required: ['type'],
          additionalProperties: false,
          properties: { type: { enum: ['ephemeral', 'persistent-claim', 'jbod'] }, size: quantity, volumes: { type: 'array', minItems: 1, items: volume } },
        },
        resources,
        jvmOptions: { type: 'object' },
        template: { type: 'object' },
      },
    },
    clusterLabel,
  ),
  'kafka.strimzi.io/v1beta2/Kafka': resource('kafka.strimzi.io/v1beta2', 'Kafka', {
    type: 'object',
    required: ['kafka'],
    additionalProperties: false,
    properties: {
      kafka: {
        type: 'object',
        required: ['listeners'],
        additionalProperties: false,
        properties: {
          version: { type: 'string', pattern: '^[0-9]+\\.[0-9]+\\.[0-9]+$' },
          metadataVersion: str,
          listeners: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              required: ['name', 'port', 'type', 'tls'],
              additionalProperties: false,
              properties: {
                name: { type: 'string', pattern: '^[a-z0-9]{1,11}$' },
                port: int(9092),
                type: { enum: ['internal', 'route', 'loadbalancer', 'nodeport', 'ingress', 'cluster-ip'] },
                tls: { type: 'boolean' },
                authentication: { type: 'object' },
                configuration: { type: 'object' },
              },
            },
          },
          config: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
          authorization: { type: 'object' },
          resources,
          template: { type: 'object' },
        },
      },
      entityOperator: { type: 'object', additionalProperties: false, properties: { topicOperator: { type: 'object' }, userOperator: { type: 'object' } } },
      cruiseControl: { type: 'object' },
      kafkaExporter: { type: 'object' },
    },
  }),
  'kafka.strimzi.io/v1beta2/KafkaTopic': resource(
    'kafka.strimzi.io/v1beta2',
    'KafkaTopic',
    {
      type: 'object',
      required: ['partitions', 'replicas'],
      additionalProperties: false,
      properties: {
        topicName: { type: 'string', pattern: '^[a-zA-Z0-9._-]{1,249}$' },
        partitions: int(1),
        replicas: { type: 'integer', minimum: 1, maximum: 32767 },
        config: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
      },
    },
    clusterLabel,
  ),
  'postgresql.cnpg.io/v1/Cluster': resource('postgresql.cnpg.io/v1', 'Cluster', {
    type: 'object',
    required: ['instances', 'storage'],
    additionalProperties: false,
    properties: {
      instances: int(1),
      imageName: str,
      primaryUpdateStrategy: { enum: ['unsupervised', 'supervised'] },
      bootstrap: {
        type: 'object',
        additionalProperties: false,
        properties: { initdb: { type: 'object', additionalProperties: false, properties: { database: str, owner: str, secret: { type: 'object' } } } },
      },
      postgresql: { type: 'object', additionalProperties: false, properties: { parameters: { type: 'object', additionalProperties: { type: 'string' } } } },
      storage: { type: 'object', required: ['size'], additionalProperties: false, properties: { size: quantity, storageClass: str } },
      resources,
      monitoring: { type: 'object', additionalProperties: false, properties: { enablePodMonitor: { type: 'boolean' } } },
    },
  }),
  'redis.redis.opstreelabs.in/v1beta2/Redis': resource('redis.redis.opstreelabs.in/v1beta2', 'Redis', {
    type: 'object',
    required: ['kubernetesConfig'],
    additionalProperties: false,
    properties: {
      kubernetesConfig: {
        type: 'object',
        required: ['image'],
        additionalProperties: false,
        properties: { image: str, imagePullPolicy: { enum: ['Always', 'IfNotPresent', 'Never'] }, resources },
      },
      securityContext: { type: 'object' },
      storage: { type: 'object', additionalProperties: false, properties: { volumeClaimTemplate: { type: 'object' } } },
      redisExporter: { type: 'object' },
      // the name of a ConfigMap whose key `redis-additional.conf` is appended to redis.conf
      redisConfig: { type: 'object', additionalProperties: false, properties: { additionalRedisConfig: str } },
    },
  }),
};
