// InstanceType YAML as Azure ML documents and users write it (reference/aml-kubernetes.md §3,
// how-to-manage-kubernetes-instance-types.md, public setup scripts). Shared by the schema and CRD tests:
// everything here must be accepted by both.

/** §3: a single InstanceType followed by an InstanceTypeList whose items omit apiVersion/kind. */
export const AML_DOC_EXAMPLE = `apiVersion: amlarc.azureml.com/v1alpha1
kind: InstanceType                 # no namespace; kubectl get instancetype
metadata: {name: myinstancetypename}
spec:
  nodeSelector: {mylabel: mylabelvalue}
  resources:
    limits:   {cpu: "1", nvidia.com/gpu: 1, memory: "2Gi"}
    requests: {cpu: "700m", memory: "1500Mi"}
---
apiVersion: amlarc.azureml.com/v1alpha1
kind: InstanceTypeList
items:
  - metadata: {name: defaultinstancetype}
    spec: {resources: {requests: {cpu: "1", memory: "1Gi"}, limits: {cpu: "1", nvidia.com/gpu: 0, memory: "1Gi"}}}
`;

/** The docs' two-item list (cpusmall + an override of defaultinstancetype). */
export const AML_DOC_LIST_EXAMPLE = `apiVersion: amlarc.azureml.com/v1alpha1
kind: InstanceTypeList
items:
  - metadata:
      name: cpusmall
    spec:
      resources:
        requests:
          cpu: "100m"
          memory: "100Mi"
        limits:
          cpu: "1"
          nvidia.com/gpu: 0
          memory: "1Gi"

  - metadata:
      name: defaultinstancetype
    spec:
      resources:
        requests:
          cpu: "1"
          memory: "1Gi"
        limits:
          cpu: "1"
          nvidia.com/gpu: 0
          memory: "1Gi"
`;

/** The docs' definition of the default, written as a resource: GPU explicitly null. */
export const AML_DEFAULT_WITH_NULL_GPU = `apiVersion: amlarc.azureml.com/v1alpha1
kind: InstanceType
metadata:
  name: defaultinstancetype
spec:
  resources:
    requests:
      cpu: "100m"
      memory: "2Gi"
    limits:
      cpu: "2"
      memory: "2Gi"
      nvidia.com/gpu: null
`;

/** A GPU type on spot nodes with a prefixed selector key, GPU quoted. */
export const GPU_SPOT_EXAMPLE = `apiVersion: amlarc.azureml.com/v1alpha1
kind: InstanceType
metadata:
  name: gpuspot
spec:
  nodeSelector:
    accelerator: nvidia
    kubernetes.azure.com/scalesetpriority: spot
  resources:
    requests: { cpu: "4", memory: "16Gi" }
    limits: { cpu: "8", memory: "32Gi", nvidia.com/gpu: "1" }
`;

export const ALL_VALID_EXAMPLES = { AML_DOC_EXAMPLE, AML_DOC_LIST_EXAMPLE, AML_DEFAULT_WITH_NULL_GPU, GPU_SPOT_EXAMPLE };
