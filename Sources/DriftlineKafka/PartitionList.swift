import CRdKafka
import DriftlineConnectors

/// Conversions between `PartitionID`s and librdkafka's `rd_kafka_topic_partition_list_t`.
enum PartitionList {
    /// The partitions in `list`.
    static func partitions(_ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> [PartitionID] {
        let count = Int(list.pointee.cnt)
        return (0..<count).map { index in
            let element = list.pointee.elems[index]
            return PartitionID(topic: String(cString: element.topic), partition: element.partition)
        }
    }

    /// A new list with the partitions and offsets given; the caller destroys it.
    static func make(_ offsets: [PartitionID: Int64]) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
        let list = rd_kafka_topic_partition_list_new(Int32(offsets.count))!
        for (partition, offset) in offsets {
            rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition).pointee.offset = offset
        }
        return list
    }
}
