// Protobuf field tables for k8s.io/api/core/v1, as kubectl 1.33 encodes them. Notation: ./notation.ts.
import type { ProtoPackage } from './notation.js';

export const coreV1: ProtoPackage = {
  name: 'core.v1',
  groupVersion: 'v1',
  kinds: ['Namespace', 'ConfigMap', 'Secret', 'ServiceAccount', 'Service', 'Pod', 'ResourceQuota', 'Endpoints', 'Binding', 'Event'],
  messages: {
    Namespace: 'metadata=1:meta.v1.ObjectMeta spec=2:NamespaceSpec status=3:NamespaceStatus',
    NamespaceSpec: 'finalizers=1:[string]',
    NamespaceStatus: 'phase=1:string conditions=2:[NamespaceCondition]',
    NamespaceCondition: `
      type=1:string! status=2:string! lastTransitionTime=4:Time reason=5:string message=6:string
    `,
    ConfigMap: `
      metadata=1:meta.v1.ObjectMeta data=2:{string:string} binaryData=3:{string:bytes}
      immutable=4:bool?
    `,
    Secret: `
      metadata=1:meta.v1.ObjectMeta data=2:{string:bytes} type=3:string stringData=4:{string:string}
      immutable=5:bool?
    `,
    ServiceAccount: `
      metadata=1:meta.v1.ObjectMeta secrets=2:[ObjectReference]
      imagePullSecrets=3:[LocalObjectReference] automountServiceAccountToken=4:bool?
    `,
    ObjectReference: `
      kind=1:string namespace=2:string name=3:string uid=4:string apiVersion=5:string
      resourceVersion=6:string fieldPath=7:string
    `,
    LocalObjectReference: 'name=1:string',
    Service: 'metadata=1:meta.v1.ObjectMeta spec=2:ServiceSpec status=3:ServiceStatus',
    ServiceSpec: `
      ports=1:[ServicePort] selector=2:{string:string} clusterIP=3:string type=4:string
      externalIPs=5:[string] sessionAffinity=7:string loadBalancerIP=8:string
      loadBalancerSourceRanges=9:[string] externalName=10:string externalTrafficPolicy=11:string
      healthCheckNodePort=12:int32 publishNotReadyAddresses=13:bool
      sessionAffinityConfig=14:SessionAffinityConfig? ipFamilyPolicy=17:string? clusterIPs=18:[string]
      ipFamilies=19:[string] allocateLoadBalancerNodePorts=20:bool? loadBalancerClass=21:string?
      internalTrafficPolicy=22:string? trafficDistribution=23:string?
    `,
    ServicePort: `
      name=1:string protocol=2:string port=3:int32! targetPort=4:IntOrString nodePort=5:int32
      appProtocol=6:string?
    `,
    SessionAffinityConfig: 'clientIP=1:ClientIPConfig?',
    ClientIPConfig: 'timeoutSeconds=1:int32?',
    ServiceStatus: 'loadBalancer=1:LoadBalancerStatus conditions=2:[meta.v1.Condition]',
    LoadBalancerStatus: 'ingress=1:[LoadBalancerIngress]',
    LoadBalancerIngress: 'ip=1:string hostname=2:string ipMode=3:string? ports=4:[PortStatus]',
    PortStatus: 'port=1:int32! protocol=2:string! error=3:string?',
    Pod: 'metadata=1:meta.v1.ObjectMeta spec=2:PodSpec status=3:PodStatus',
    PodSpec: `
      volumes=1:[Volume] containers=2:[Container]! restartPolicy=3:string
      terminationGracePeriodSeconds=4:int64? activeDeadlineSeconds=5:int64? dnsPolicy=6:string
      nodeSelector=7:{string:string} serviceAccountName=8:string serviceAccount=9:string
      nodeName=10:string hostNetwork=11:bool hostPID=12:bool hostIPC=13:bool
      securityContext=14:PodSecurityContext? imagePullSecrets=15:[LocalObjectReference]
      hostname=16:string subdomain=17:string affinity=18:Affinity? schedulerName=19:string
      initContainers=20:[Container] automountServiceAccountToken=21:bool? tolerations=22:[Toleration]
      hostAliases=23:[HostAlias] priorityClassName=24:string priority=25:int32?
      dnsConfig=26:PodDNSConfig? shareProcessNamespace=27:bool? readinessGates=28:[PodReadinessGate]
      runtimeClassName=29:string? enableServiceLinks=30:bool? preemptionPolicy=31:string?
      overhead=32:{string:Quantity} topologySpreadConstraints=33:[TopologySpreadConstraint]
      ephemeralContainers=34:[EphemeralContainer] setHostnameAsFQDN=35:bool? os=36:PodOS?
      hostUsers=37:bool? schedulingGates=38:[PodSchedulingGate] resourceClaims=39:[PodResourceClaim]
      resources=40:ResourceRequirements?
    `,
    Volume: 'name=1:string! ...=2:VolumeSource',
    VolumeSource: `
      hostPath=1:HostPathVolumeSource? emptyDir=2:EmptyDirVolumeSource?
      gcePersistentDisk=3:GCEPersistentDiskVolumeSource?
      awsElasticBlockStore=4:AWSElasticBlockStoreVolumeSource? gitRepo=5:GitRepoVolumeSource?
      secret=6:SecretVolumeSource? nfs=7:NFSVolumeSource? iscsi=8:ISCSIVolumeSource?
      glusterfs=9:GlusterfsVolumeSource? persistentVolumeClaim=10:PersistentVolumeClaimVolumeSource?
      rbd=11:RBDVolumeSource? flexVolume=12:FlexVolumeSource? cinder=13:CinderVolumeSource?
      cephfs=14:CephFSVolumeSource? flocker=15:FlockerVolumeSource?
      downwardAPI=16:DownwardAPIVolumeSource? fc=17:FCVolumeSource?
      azureFile=18:AzureFileVolumeSource? configMap=19:ConfigMapVolumeSource?
      vsphereVolume=20:VsphereVirtualDiskVolumeSource? quobyte=21:QuobyteVolumeSource?
      azureDisk=22:AzureDiskVolumeSource? photonPersistentDisk=23:PhotonPersistentDiskVolumeSource?
      portworxVolume=24:PortworxVolumeSource? scaleIO=25:ScaleIOVolumeSource?
      projected=26:ProjectedVolumeSource? storageos=27:StorageOSVolumeSource? csi=28:CSIVolumeSource?
      ephemeral=29:EphemeralVolumeSource? image=30:ImageVolumeSource?
    `,
    HostPathVolumeSource: 'path=1:string! type=2:string?',
    EmptyDirVolumeSource: 'medium=1:string sizeLimit=2:Quantity?',
    GCEPersistentDiskVolumeSource: 'pdName=1:string! fsType=2:string partition=3:int32 readOnly=4:bool',
    AWSElasticBlockStoreVolumeSource: 'volumeID=1:string! fsType=2:string partition=3:int32 readOnly=4:bool',
    GitRepoVolumeSource: 'repository=1:string! revision=2:string directory=3:string',
    SecretVolumeSource: 'secretName=1:string items=2:[KeyToPath] defaultMode=3:int32? optional=4:bool?',
    KeyToPath: 'key=1:string! path=2:string! mode=3:int32?',
    NFSVolumeSource: 'server=1:string! path=2:string! readOnly=3:bool',
    ISCSIVolumeSource: `
      targetPortal=1:string! iqn=2:string! lun=3:int32! iscsiInterface=4:string fsType=5:string
      readOnly=6:bool portals=7:[string] chapAuthDiscovery=8:bool secretRef=10:LocalObjectReference?
      chapAuthSession=11:bool initiatorName=12:string?
    `,
    GlusterfsVolumeSource: 'endpoints=1:string! path=2:string! readOnly=3:bool',
    PersistentVolumeClaimVolumeSource: 'claimName=1:string! readOnly=2:bool',
    RBDVolumeSource: `
      monitors=1:[string]! image=2:string! fsType=3:string pool=4:string user=5:string
      keyring=6:string secretRef=7:LocalObjectReference? readOnly=8:bool
    `,
    FlexVolumeSource: `
      driver=1:string! fsType=2:string secretRef=3:LocalObjectReference? readOnly=4:bool
      options=5:{string:string}
    `,
    CinderVolumeSource: `
      volumeID=1:string! fsType=2:string readOnly=3:bool secretRef=4:LocalObjectReference?
    `,
    CephFSVolumeSource: `
      monitors=1:[string]! path=2:string user=3:string secretFile=4:string
      secretRef=5:LocalObjectReference? readOnly=6:bool
    `,
    FlockerVolumeSource: 'datasetName=1:string datasetUUID=2:string',
    DownwardAPIVolumeSource: 'items=1:[DownwardAPIVolumeFile] defaultMode=2:int32?',
    DownwardAPIVolumeFile: `
      path=1:string! fieldRef=2:ObjectFieldSelector? resourceFieldRef=3:ResourceFieldSelector?
      mode=4:int32?
    `,
    ObjectFieldSelector: 'apiVersion=1:string fieldPath=2:string!',
    ResourceFieldSelector: 'containerName=1:string resource=2:string! divisor=3:Quantity',
    FCVolumeSource: 'targetWWNs=1:[string] lun=2:int32? fsType=3:string readOnly=4:bool wwids=5:[string]',
    AzureFileVolumeSource: 'secretName=1:string! shareName=2:string! readOnly=3:bool',
    ConfigMapVolumeSource: `
      ...=1:LocalObjectReference items=2:[KeyToPath] defaultMode=3:int32? optional=4:bool?
    `,
    VsphereVirtualDiskVolumeSource: `
      volumePath=1:string! fsType=2:string storagePolicyName=3:string storagePolicyID=4:string
    `,
    QuobyteVolumeSource: `
      registry=1:string! volume=2:string! readOnly=3:bool user=4:string group=5:string tenant=6:string
    `,
    AzureDiskVolumeSource: `
      diskName=1:string! diskURI=2:string! cachingMode=3:string? fsType=4:string? readOnly=5:bool?
      kind=6:string?
    `,
    PhotonPersistentDiskVolumeSource: 'pdID=1:string! fsType=2:string',
    PortworxVolumeSource: 'volumeID=1:string! fsType=2:string readOnly=3:bool',
    ScaleIOVolumeSource: `
      gateway=1:string! system=2:string! secretRef=3:LocalObjectReference? sslEnabled=4:bool
      protectionDomain=5:string storagePool=6:string storageMode=7:string volumeName=8:string
      fsType=9:string readOnly=10:bool
    `,
    ProjectedVolumeSource: 'sources=1:[VolumeProjection]! defaultMode=2:int32?',
    VolumeProjection: `
      secret=1:SecretProjection? downwardAPI=2:DownwardAPIProjection? configMap=3:ConfigMapProjection?
      serviceAccountToken=4:ServiceAccountTokenProjection?
      clusterTrustBundle=5:ClusterTrustBundleProjection?
    `,
    SecretProjection: '...=1:LocalObjectReference items=2:[KeyToPath] optional=4:bool?',
    DownwardAPIProjection: 'items=1:[DownwardAPIVolumeFile]',
    ConfigMapProjection: '...=1:LocalObjectReference items=2:[KeyToPath] optional=4:bool?',
    ServiceAccountTokenProjection: 'audience=1:string expirationSeconds=2:int64? path=3:string!',
    ClusterTrustBundleProjection: `
      name=1:string? signerName=2:string? labelSelector=3:meta.v1.LabelSelector? path=4:string!
      optional=5:bool?
    `,
    StorageOSVolumeSource: `
      volumeName=1:string volumeNamespace=2:string fsType=3:string readOnly=4:bool
      secretRef=5:LocalObjectReference?
    `,
    CSIVolumeSource: `
      driver=1:string! readOnly=2:bool? fsType=3:string? volumeAttributes=4:{string:string}
      nodePublishSecretRef=5:LocalObjectReference?
    `,
    EphemeralVolumeSource: 'volumeClaimTemplate=1:PersistentVolumeClaimTemplate?',
    PersistentVolumeClaimTemplate: 'metadata=1:meta.v1.ObjectMeta spec=2:PersistentVolumeClaimSpec',
    PersistentVolumeClaimSpec: `
      accessModes=1:[string] resources=2:VolumeResourceRequirements volumeName=3:string
      selector=4:meta.v1.LabelSelector? storageClassName=5:string? volumeMode=6:string?
      dataSource=7:TypedLocalObjectReference? dataSourceRef=8:TypedObjectReference?
      volumeAttributesClassName=9:string?
    `,
    VolumeResourceRequirements: 'limits=1:{string:Quantity} requests=2:{string:Quantity}',
    TypedLocalObjectReference: 'apiGroup=1:string? kind=2:string! name=3:string!',
    TypedObjectReference: 'apiGroup=1:string? kind=2:string! name=3:string! namespace=4:string?',
    ImageVolumeSource: 'reference=1:string pullPolicy=2:string',
    Container: `
      name=1:string! image=2:string command=3:[string] args=4:[string] workingDir=5:string
      ports=6:[ContainerPort] env=7:[EnvVar] resources=8:ResourceRequirements
      volumeMounts=9:[VolumeMount] livenessProbe=10:Probe? readinessProbe=11:Probe?
      lifecycle=12:Lifecycle? terminationMessagePath=13:string imagePullPolicy=14:string
      securityContext=15:SecurityContext? stdin=16:bool stdinOnce=17:bool tty=18:bool
      envFrom=19:[EnvFromSource] terminationMessagePolicy=20:string volumeDevices=21:[VolumeDevice]
      startupProbe=22:Probe? resizePolicy=23:[ContainerResizePolicy] restartPolicy=24:string?
    `,
    ContainerPort: 'name=1:string hostPort=2:int32 containerPort=3:int32! protocol=4:string hostIP=5:string',
    EnvVar: 'name=1:string! value=2:string valueFrom=3:EnvVarSource?',
    EnvVarSource: `
      fieldRef=1:ObjectFieldSelector? resourceFieldRef=2:ResourceFieldSelector?
      configMapKeyRef=3:ConfigMapKeySelector? secretKeyRef=4:SecretKeySelector?
    `,
    ConfigMapKeySelector: '...=1:LocalObjectReference key=2:string! optional=3:bool?',
    SecretKeySelector: '...=1:LocalObjectReference key=2:string! optional=3:bool?',
    ResourceRequirements: 'limits=1:{string:Quantity} requests=2:{string:Quantity} claims=3:[ResourceClaim]',
    ResourceClaim: 'name=1:string! request=2:string',
    VolumeMount: `
      name=1:string! readOnly=2:bool mountPath=3:string! subPath=4:string mountPropagation=5:string?
      subPathExpr=6:string recursiveReadOnly=7:string?
    `,
    Probe: `
      ...=1:ProbeHandler initialDelaySeconds=2:int32 timeoutSeconds=3:int32 periodSeconds=4:int32
      successThreshold=5:int32 failureThreshold=6:int32 terminationGracePeriodSeconds=7:int64?
    `,
    ProbeHandler: `
      exec=1:ExecAction? httpGet=2:HTTPGetAction? tcpSocket=3:TCPSocketAction? grpc=4:GRPCAction?
    `,
    ExecAction: 'command=1:[string]',
    HTTPGetAction: `
      path=1:string port=2:IntOrString host=3:string scheme=4:string httpHeaders=5:[HTTPHeader]
    `,
    HTTPHeader: 'name=1:string! value=2:string!',
    TCPSocketAction: 'port=1:IntOrString host=2:string',
    GRPCAction: 'port=1:int32! service=2:string?',
    Lifecycle: 'postStart=1:LifecycleHandler? preStop=2:LifecycleHandler? stopSignal=3:string?',
    LifecycleHandler: `
      exec=1:ExecAction? httpGet=2:HTTPGetAction? tcpSocket=3:TCPSocketAction? sleep=4:SleepAction?
    `,
    SleepAction: 'seconds=1:int64!',
    SecurityContext: `
      capabilities=1:Capabilities? privileged=2:bool? seLinuxOptions=3:SELinuxOptions?
      runAsUser=4:int64? runAsNonRoot=5:bool? readOnlyRootFilesystem=6:bool?
      allowPrivilegeEscalation=7:bool? runAsGroup=8:int64? procMount=9:string?
      windowsOptions=10:WindowsSecurityContextOptions? seccompProfile=11:SeccompProfile?
      appArmorProfile=12:AppArmorProfile?
    `,
    Capabilities: 'add=1:[string] drop=2:[string]',
    SELinuxOptions: 'user=1:string role=2:string type=3:string level=4:string',
    WindowsSecurityContextOptions: `
      gmsaCredentialSpecName=1:string? gmsaCredentialSpec=2:string? runAsUserName=3:string?
      hostProcess=4:bool?
    `,
    SeccompProfile: 'type=1:string! localhostProfile=2:string?',
    AppArmorProfile: 'type=1:string! localhostProfile=2:string?',
    EnvFromSource: 'prefix=1:string configMapRef=2:ConfigMapEnvSource? secretRef=3:SecretEnvSource?',
    ConfigMapEnvSource: '...=1:LocalObjectReference optional=2:bool?',
    SecretEnvSource: '...=1:LocalObjectReference optional=2:bool?',
    VolumeDevice: 'name=1:string! devicePath=2:string!',
    ContainerResizePolicy: 'resourceName=1:string! restartPolicy=2:string!',
    PodSecurityContext: `
      seLinuxOptions=1:SELinuxOptions? runAsUser=2:int64? runAsNonRoot=3:bool?
      supplementalGroups=4:[int64] fsGroup=5:int64? runAsGroup=6:int64? sysctls=7:[Sysctl]
      windowsOptions=8:WindowsSecurityContextOptions? fsGroupChangePolicy=9:string?
      seccompProfile=10:SeccompProfile? appArmorProfile=11:AppArmorProfile?
      supplementalGroupsPolicy=12:string? seLinuxChangePolicy=13:string?
    `,
    Sysctl: 'name=1:string! value=2:string!',
    Affinity: 'nodeAffinity=1:NodeAffinity? podAffinity=2:PodAffinity? podAntiAffinity=3:PodAntiAffinity?',
    NodeAffinity: `
      requiredDuringSchedulingIgnoredDuringExecution=1:NodeSelector?
      preferredDuringSchedulingIgnoredDuringExecution=2:[PreferredSchedulingTerm]
    `,
    NodeSelector: 'nodeSelectorTerms=1:[NodeSelectorTerm]!',
    NodeSelectorTerm: 'matchExpressions=1:[NodeSelectorRequirement] matchFields=2:[NodeSelectorRequirement]',
    NodeSelectorRequirement: 'key=1:string! operator=2:string! values=3:[string]',
    PreferredSchedulingTerm: 'weight=1:int32! preference=2:NodeSelectorTerm',
    PodAffinity: `
      requiredDuringSchedulingIgnoredDuringExecution=1:[PodAffinityTerm]
      preferredDuringSchedulingIgnoredDuringExecution=2:[WeightedPodAffinityTerm]
    `,
    PodAffinityTerm: `
      labelSelector=1:meta.v1.LabelSelector? namespaces=2:[string] topologyKey=3:string!
      namespaceSelector=4:meta.v1.LabelSelector? matchLabelKeys=5:[string]
      mismatchLabelKeys=6:[string]
    `,
    WeightedPodAffinityTerm: 'weight=1:int32! podAffinityTerm=2:PodAffinityTerm',
    PodAntiAffinity: `
      requiredDuringSchedulingIgnoredDuringExecution=1:[PodAffinityTerm]
      preferredDuringSchedulingIgnoredDuringExecution=2:[WeightedPodAffinityTerm]
    `,
    Toleration: 'key=1:string operator=2:string value=3:string effect=4:string tolerationSeconds=5:int64?',
    HostAlias: 'ip=1:string! hostnames=2:[string]',
    PodDNSConfig: 'nameservers=1:[string] searches=2:[string] options=3:[PodDNSConfigOption]',
    PodDNSConfigOption: 'name=1:string value=2:string?',
    PodReadinessGate: 'conditionType=1:string!',
    TopologySpreadConstraint: `
      maxSkew=1:int32! topologyKey=2:string! whenUnsatisfiable=3:string!
      labelSelector=4:meta.v1.LabelSelector? minDomains=5:int32? nodeAffinityPolicy=6:string?
      nodeTaintsPolicy=7:string? matchLabelKeys=8:[string]
    `,
    EphemeralContainer: '...=1:EphemeralContainerCommon targetContainerName=2:string',
    EphemeralContainerCommon: `
      name=1:string! image=2:string command=3:[string] args=4:[string] workingDir=5:string
      ports=6:[ContainerPort] env=7:[EnvVar] resources=8:ResourceRequirements
      volumeMounts=9:[VolumeMount] livenessProbe=10:Probe? readinessProbe=11:Probe?
      lifecycle=12:Lifecycle? terminationMessagePath=13:string imagePullPolicy=14:string
      securityContext=15:SecurityContext? stdin=16:bool stdinOnce=17:bool tty=18:bool
      envFrom=19:[EnvFromSource] terminationMessagePolicy=20:string volumeDevices=21:[VolumeDevice]
      startupProbe=22:Probe? resizePolicy=23:[ContainerResizePolicy] restartPolicy=24:string?
    `,
    PodOS: 'name=1:string!',
    PodSchedulingGate: 'name=1:string!',
    PodResourceClaim: 'name=1:string! resourceClaimName=3:string? resourceClaimTemplateName=4:string?',
    PodStatus: `
      phase=1:string conditions=2:[PodCondition] message=3:string reason=4:string hostIP=5:string
      podIP=6:string startTime=7:Time? containerStatuses=8:[ContainerStatus] qosClass=9:string
      initContainerStatuses=10:[ContainerStatus] nominatedNodeName=11:string podIPs=12:[PodIP]
      ephemeralContainerStatuses=13:[ContainerStatus] resize=14:string
      resourceClaimStatuses=15:[PodResourceClaimStatus] hostIPs=16:[HostIP]
      observedGeneration=17:int64
    `,
    PodCondition: `
      type=1:string! status=2:string! lastProbeTime=3:Time lastTransitionTime=4:Time reason=5:string
      message=6:string observedGeneration=7:int64
    `,
    ContainerStatus: `
      name=1:string! state=2:ContainerState lastState=3:ContainerState ready=4:bool!
      restartCount=5:int32! image=6:string! imageID=7:string! containerID=8:string started=9:bool?
      allocatedResources=10:{string:Quantity} resources=11:ResourceRequirements?
      volumeMounts=12:[VolumeMountStatus] user=13:ContainerUser?
      allocatedResourcesStatus=14:[ResourceStatus] stopSignal=15:string?
    `,
    ContainerState: `
      waiting=1:ContainerStateWaiting? running=2:ContainerStateRunning?
      terminated=3:ContainerStateTerminated?
    `,
    ContainerStateWaiting: 'reason=1:string message=2:string',
    ContainerStateRunning: 'startedAt=1:Time',
    ContainerStateTerminated: `
      exitCode=1:int32! signal=2:int32 reason=3:string message=4:string startedAt=5:Time
      finishedAt=6:Time containerID=7:string
    `,
    VolumeMountStatus: 'name=1:string! mountPath=2:string! readOnly=3:bool recursiveReadOnly=4:string?',
    ContainerUser: 'linux=1:LinuxContainerUser?',
    LinuxContainerUser: 'uid=1:int64! gid=2:int64! supplementalGroups=3:[int64]',
    ResourceStatus: 'name=1:string! resources=2:[ResourceHealth]',
    ResourceHealth: 'resourceID=1:string! health=2:string',
    PodIP: 'ip=1:string!',
    PodResourceClaimStatus: 'name=1:string! resourceClaimName=2:string?',
    HostIP: 'ip=1:string!',
    ResourceQuota: 'metadata=1:meta.v1.ObjectMeta spec=2:ResourceQuotaSpec status=3:ResourceQuotaStatus',
    ResourceQuotaSpec: 'hard=1:{string:Quantity} scopes=2:[string] scopeSelector=3:ScopeSelector?',
    ScopeSelector: 'matchExpressions=1:[ScopedResourceSelectorRequirement]',
    ScopedResourceSelectorRequirement: 'scopeName=1:string! operator=2:string! values=3:[string]',
    ResourceQuotaStatus: 'hard=1:{string:Quantity} used=2:{string:Quantity}',
    Endpoints: 'metadata=1:meta.v1.ObjectMeta subsets=2:[EndpointSubset]',
    EndpointSubset: `
      addresses=1:[EndpointAddress] notReadyAddresses=2:[EndpointAddress] ports=3:[EndpointPort]
    `,
    EndpointAddress: 'ip=1:string! targetRef=2:ObjectReference? hostname=3:string nodeName=4:string?',
    EndpointPort: 'name=1:string port=2:int32! protocol=3:string appProtocol=4:string?',
    Binding: 'metadata=1:meta.v1.ObjectMeta target=2:ObjectReference',
    Event: `
      metadata=1:meta.v1.ObjectMeta involvedObject=2:ObjectReference reason=3:string message=4:string
      source=5:EventSource firstTimestamp=6:Time lastTimestamp=7:Time count=8:int32 type=9:string
      eventTime=10:MicroTime series=11:EventSeries? action=12:string related=13:ObjectReference?
      reportingComponent=14:string! reportingInstance=15:string!
    `,
    EventSource: 'component=1:string host=2:string',
    EventSeries: 'count=1:int32 lastObservedTime=2:MicroTime',
    PodTemplateSpec: 'metadata=1:meta.v1.ObjectMeta spec=2:PodSpec',
    PersistentVolumeClaim: `
      metadata=1:meta.v1.ObjectMeta spec=2:PersistentVolumeClaimSpec
      status=3:PersistentVolumeClaimStatus
    `,
    PersistentVolumeClaimStatus: `
      phase=1:string accessModes=2:[string] capacity=3:{string:Quantity}
      conditions=4:[PersistentVolumeClaimCondition] allocatedResources=5:{string:Quantity}
      allocatedResourceStatuses=7:{string:string} currentVolumeAttributesClassName=8:string?
      modifyVolumeStatus=9:ModifyVolumeStatus?
    `,
    PersistentVolumeClaimCondition: `
      type=1:string! status=2:string! lastProbeTime=3:Time lastTransitionTime=4:Time reason=5:string
      message=6:string
    `,
    ModifyVolumeStatus: 'targetVolumeAttributesClassName=1:string status=2:string!',
  },
};
